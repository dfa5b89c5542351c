import Foundation
import Testing

@testable import DeskAPI

#if canImport(Glibc)
    import Glibc
#endif

/// Security review 2026-12-06, I3: setting the socket file's mode never follows a symlink, and a
/// failure is reported rather than ignored.
@Suite struct UnixSocketFileTests {
    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    @Test func aSymlinkAtTheSocketPathIsNotFollowed() throws {
        let directory = "/tmp/desk-sock-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Someone swapped the socket for a link to a file of deskd's: its mode must not change.
        let target = directory + "/deskd.sqlite"
        FileManager.default.createFile(
            atPath: target, contents: Data("secret".utf8), attributes: [.posixPermissions: 0o600])
        let link = directory + "/deskd.sock"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        var refusal: String?
        do {
            try UnixSocketFile.setMode(link, 0o666)
        } catch {
            refusal = "\(error)"
        }
        #expect(Self.mode(target) == 0o600)
        #expect(refusal?.contains("not a socket") == true, "\(refusal ?? "no error")")
        // Nothing at the path at all is an error too, not silence.
        #expect(throws: UnixSocketFile.Problem.self) { try UnixSocketFile.setMode(directory + "/gone.sock", 0o666) }
    }

    @Test func aRealSocketGetsItsMode() throws {
        let directory = "/tmp/desk-sock-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/deskd.sock"
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        try UnixSocketFile.setMode(path, 0o660)
        #expect(Self.mode(path) == 0o660)
        try UnixSocketFile.setMode(path, 0o666)
        #expect(Self.mode(path) == 0o666)
    }
}
