/// Where the API listens.
public enum Listener: Sendable, Hashable, CustomStringConvertible {
    /// TCP on a host and port (port 0 picks a free port).
    case tcp(host: String, port: Int)
    /// A Unix stream socket at a path.
    case unix(path: String)
    /// A listening socket inherited from the service manager (socket activation): its
    /// descriptor, its name (`FileDescriptorName=`, for logs) and the address it listens on.
    case inherited(descriptor: Int32, name: String, address: String)

    public var description: String {
        switch self {
        case .tcp(let host, let port): return host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
        case .unix(let path): return "unix:\(path)"
        case .inherited(let descriptor, let name, let address):
            return "\(address) (from systemd: fd \(descriptor), name \(name))"
        }
    }
}
