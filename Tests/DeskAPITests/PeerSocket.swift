import DeskTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain socket (Unix or TCP from a chosen source address), for tests that hold connections open, choose their source address, or
/// need to see the server close a connection.
///
/// Its reads block, so they run on a thread of their own (`offPool`): blocking the test's task would
/// take a thread of Swift's small cooperative pool from the server under test.
final class PeerSocket: @unchecked Sendable {
    // @unchecked Sendable: the descriptor never changes; each test uses a socket from one task at a time.
    private let descriptor: Int32

    /// Connects to `127.0.0.1:port` from `source` (any 127.x.y.z address is local on Linux).
    init(tcpPort port: Int, from source: String = "127.0.0.1") throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket: \(errno)") }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, size) }
        }
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, size) }
        }
        guard bound == 0, connected == 0 else {
            close(descriptor)
            throw TestFailure("connecting from \(source) to port \(port) failed: errno \(errno)")
        }
    }

    /// Connects to the Unix socket at `path`.
    init(unixPath path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw TestFailure("connecting to \(path) failed: errno \(errno)")
        }
    }

    deinit { close(descriptor) }

    /// Sends `GET path` (keep-alive) with `headers` and reads the one response, at most `timeout` seconds.
    func get(_ path: String, headers: [String] = [], timeout: TimeInterval = 5) async throws -> String {
        try await offPool { try self.getBlocking(path, headers: headers, timeout: timeout) }
    }

    private func getBlocking(_ path: String, headers: [String], timeout: TimeInterval) throws -> String {
        let head = (["GET \(path) HTTP/1.1", "Host: deskd"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
        let sent = head.utf8.withContiguousStorageIfAvailable { send(descriptor, $0.baseAddress, $0.count, 0) } ?? -1
        guard sent == head.utf8.count else { throw TestFailure("send failed: errno \(errno)") }
        return try response(timeout: timeout)
    }

    /// Reads one whole response (head and a `Content-Length` body).
    private func response(timeout: TimeInterval = 5) throws -> String {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = String(decoding: bytes, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let length =
                    text[..<end.lowerBound].split(separator: "\r\n").first {
                        $0.lowercased().hasPrefix("content-length:")
                    }.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if text.utf8.count - text[..<end.upperBound].utf8.count >= length { return text }
            }
            guard let chunk = read(until: deadline) else { break }
            if chunk.isEmpty { break }
            bytes += chunk
        }
        throw TestFailure("no whole response within \(timeout) s; got: \(String(decoding: bytes, as: UTF8.self))")
    }

    /// Whether the server closes the connection within `timeout` seconds (reads and drops any bytes).
    func isClosedByServer(within timeout: TimeInterval) async -> Bool {
        (try? await offPool { self.isClosedBlocking(within: timeout) }) ?? false
    }

    private func isClosedBlocking(within timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let chunk = read(until: deadline) else { return false }
            if chunk.isEmpty { return true }
        }
        return false
    }

    /// One read: nil when nothing came before `deadline`, empty at end of stream (or on an error).
    private func read(until deadline: Date) -> [UInt8]? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let wait = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
        guard poll(&poller, 1, wait) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        return count > 0 ? Array(buffer[..<count]) : []
    }
}
