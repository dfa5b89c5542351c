import CSystemd
import Foundation

/// A listening socket passed in by the service manager (`LISTEN_FDS`).
public struct InheritedSocket: Sendable, Hashable {
    public var descriptor: Int32
    /// `FileDescriptorName=` of the socket unit; used in logs only.
    public var name: String
    /// True for a Unix stream socket, false for TCP.
    public var isUnix: Bool
    /// What it listens on: a path, or `host:port`.
    public var address: String
}

/// Socket activation: the listeners systemd (or `systemd-socket-activate`) handed over.
public enum SocketActivation {
    /// The inherited listening sockets, told apart by their family; empty when none were passed.
    /// Clears `LISTEN_*` from the environment so children do not inherit them.
    public static func inheritedListeners() throws -> [InheritedSocket] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        let count = sd_listen_fds_with_names(1, &names)
        defer {
            if let names {
                for index in 0..<Int(max(count, 0)) { free(names[index]) }
                free(names)
            }
        }
        guard count >= 0 else {
            throw SocketActivationError("LISTEN_FDS is malformed: \(String(cString: strerror(-count)))")
        }
        var sockets: [InheritedSocket] = []
        for index in 0..<Int(count) {
            let descriptor = SD_LISTEN_FDS_START + Int32(index)
            let name = names?[index].map { String(cString: $0) } ?? "unknown"
            if sd_is_socket_unix(descriptor, Int32(SOCK_STREAM.rawValue), 1, nil, 0) > 0 {
                sockets.append(
                    InheritedSocket(descriptor: descriptor, name: name, isUnix: true, address: unixPath(descriptor)))
            } else if sd_is_socket_inet(descriptor, 0, Int32(SOCK_STREAM.rawValue), 1, 0) > 0 {
                sockets.append(
                    InheritedSocket(descriptor: descriptor, name: name, isUnix: false, address: inetAddress(descriptor))
                )
            } else {
                throw SocketActivationError(
                    "inherited fd \(descriptor) (\(name)) is not a listening TCP or Unix stream socket")
            }
        }
        return sockets
    }

    private static func unixPath(_ descriptor: Int32) -> String {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return "unix:?" }
        let path = withUnsafeBytes(of: address.sun_path) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return "unix:\(path)"
    }

    private static func inetAddress(_ descriptor: Int32) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return "tcp:?" }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let resolved = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo(
                    $0, length, &host, socklen_t(host.count), &service, socklen_t(service.count),
                    NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard resolved == 0 else { return "tcp:?" }
        let hostText = String(cString: host)
        let port = String(cString: service)
        return hostText.contains(":") ? "http://[\(hostText)]:\(port)" : "http://\(hostText):\(port)"
    }
}

/// Inherited sockets deskd cannot serve on.
public struct SocketActivationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
