import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The file a Unix socket listener binds to.
public enum UnixSocketFile {
    /// A problem with the socket path, for the operator.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Makes `path` bindable: creates its directory, removes a stale socket left by a daemon that
    /// died, and refuses when another process still listens there or the path is not a socket.
    public static func prepare(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        guard path.utf8.count < 108 else {
            throw Problem(description: "socket path \(path) is longer than the 107 bytes a Unix socket allows")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw Problem(description: "\(path) exists and is not a socket; remove it or choose another path")
        }
        if isListening(path) {
            throw Problem(description: "another process is already serving on \(path) (is deskd running?)")
        }
        unlink(path)
    }

    /// Sets the socket file's permission bits, never following a symlink: the path itself is opened
    /// with `O_PATH | O_NOFOLLOW`, must be a socket, and is changed through that descriptor
    /// (`/proc/self/fd/N`: Linux cannot `fchmod` an `O_PATH` descriptor, and `fchmodat` with
    /// `AT_SYMLINK_NOFOLLOW` is not supported on every file system). Throws when the path is gone,
    /// is no socket (replaced after the bind), or the change fails.
    static func setMode(_ path: String, _ mode: mode_t) throws {
        let octal = String(mode, radix: 8)
        let descriptor = open(path, openPath | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw Problem(description: "cannot set mode \(octal) on \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw Problem(description: "cannot set mode \(octal) on \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw Problem(
                description: "\(path) is not a socket (a symlink or file replaced it after the bind); its mode is left "
                    + "alone")
        }
        guard chmod("/proc/self/fd/\(descriptor)", mode) == 0 else {
            throw Problem(description: "cannot set mode \(octal) on \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// `O_PATH` (Linux; not exported by Swift's Glibc module): a descriptor naming the file itself.
    private static let openPath: Int32 = 0o10_000_000

    /// Removes the socket file; used at shutdown.
    public static func remove(_ path: String) {
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK { unlink(path) }
    }

    /// True when something accepts connections on the socket at `path`.
    static func isListening(_ path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }
}
