import NIOCore
import NIOPosix

extension DeskClient {
    /// Connects once to the endpoint and hangs up, to fail fast and clearly when deskd is not
    /// there (async-http-client retries refused connections until the request's deadline).
    /// - Throws: `DeskClientError.unreachable` with the reason.
    public func probe(timeout: TimeAmount = .seconds(3)) async throws {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(timeout)
        do {
            let channel: any Channel
            switch endpoint {
            case .unixSocket(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            case .url(let text):
                guard let (host, port) = Self.hostAndPort(text) else {
                    throw DeskClientError.unreachable(endpoint, "not a valid http:// address")
                }
                channel = try await bootstrap.connect(host: host, port: port).get()
            }
            try? await channel.close()
        } catch let error as DeskClientError {
            throw error
        } catch {
            throw DeskClientError.unreachable(endpoint, Self.reason(error))
        }
    }

    /// Host and port of an `http://` or `https://` URL (default ports 80 and 443).
    static func hostAndPort(_ text: String) -> (String, Int)? {
        let secure = text.hasPrefix("https://")
        guard secure || text.hasPrefix("http://") else { return nil }
        let rest = text.dropFirst(secure ? 8 : 7)
        let authority =
            rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let portText = authority[authority.index(after: close)...].dropFirst()
            return (host, portText.isEmpty ? (secure ? 443 : 80) : Int(portText) ?? -1)
        }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty, parts.count <= 2 else { return nil }
        guard parts.count == 2 else { return (String(host), secure ? 443 : 80) }
        guard let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
        return (String(host), port)
    }
}
