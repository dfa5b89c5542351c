/// Where the API listens.
public enum Listener: Sendable, Hashable, CustomStringConvertible {
    /// TCP on a host and port (port 0 picks a free port).
    case tcp(host: String, port: Int)
    /// A Unix stream socket at a path.
    case unix(path: String)

    public var description: String {
        switch self {
        case .tcp(let host, let port): return host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
        case .unix(let path): return "unix:\(path)"
        }
    }
}
