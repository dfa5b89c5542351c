import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP port on 127.0.0.1 that nothing listens on now, for a server that a test starts (or
/// starts again) on it later: chosen at random below the kernel's ephemeral range.
///
/// A port the kernel handed out for `bind(0)` is in that range, and once released it is handed out
/// again, for the local end of any connection the suites open (hundreds a second) as for any
/// listener on port 0: a test whose deskd or receiver came back on its old port met "address
/// already in use". Below the range only a test that names the port binds it.
public func unusedLoopbackPort() throws -> Int {
    let lowestEphemeral =
        (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
        .flatMap { $0.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } } ?? 32768
    let ports = 10_000..<max(lowestEphemeral, 20_000)
    for _ in 0..<500 {
        let port = Int.random(in: ports)
        if canListen(on: port) { return port }
    }
    throw LoopbackPortError("no port of \(ports) on 127.0.0.1 was free in 500 tries")
}

/// Whether a listener could bind 127.0.0.1:`port` now (with SO_REUSEADDR, as the servers do).
private func canListen(on port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var reuse: Int32 = 1
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// Why no free port was found.
public struct LoopbackPortError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
