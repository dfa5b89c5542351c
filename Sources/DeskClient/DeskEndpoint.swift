import Foundation

/// Where `deskctl` finds the daemon.
public enum DeskEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The installed daemon's Unix socket.
    public static let installedSocket = "/run/deskd/deskd.sock"

    /// The API over a local Unix socket.
    case unixSocket(String)
    /// The API over HTTP, e.g. `http://127.0.0.1:8440`.
    case url(String)

    public var description: String {
        switch self {
        case .unixSocket(let path): return "unix socket \(path)"
        case .url(let url): return url
        }
    }

    /// The full URL of `pathAndQuery` on this endpoint, in the form async-http-client expects.
    func url(for pathAndQuery: String) -> String? {
        switch self {
        case .unixSocket(let path):
            return URL(httpURLWithSocketPath: path, uri: pathAndQuery)?.absoluteString
        case .url(let base):
            let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
            return trimmed + pathAndQuery
        }
    }
}
