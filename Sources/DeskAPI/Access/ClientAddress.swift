import HTTPTypes
import Hummingbird

/// The address of the client behind a TCP request: the peer itself, or — when the peer is one of
/// the configured trusted proxies (`[server] trusted_proxies`) — the nearest address in its
/// `X-Forwarded-For` that is not a trusted proxy.
///
/// Proxies append the address they saw to `X-Forwarded-For`, so the list is read from the right:
/// entries a client wrote itself sit further left and are never reached while a trusted proxy put
/// its own view after them. A peer that is not a trusted proxy is taken as it is, whatever it sends.
struct ClientAddresses: Sendable {
    /// Peer addresses whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    let trustedProxies: Set<String>

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")

    /// The client's address for `request` from `peer` (the connection's remote address).
    func client(peer: String, headers: HTTPFields) -> String {
        guard trustedProxies.contains(peer), let name = Self.forwardedFor else { return peer }
        let hops = headers[values: name].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !trustedProxies.contains(hop) { return hop }
        return peer
    }

    /// Whether the browser reached the proxy over TLS: `X-Forwarded-Proto: https` from a trusted
    /// proxy (from anyone else the header means nothing).
    func isSecure(peer: String, headers: HTTPFields) -> Bool {
        guard trustedProxies.contains(peer), let name = Self.forwardedProto, let proto = headers[name] else {
            return false
        }
        return proto.lowercased() == "https"
    }

    /// The client address of a request on its context's connection ("unknown" off TCP).
    func client(_ request: Request, _ context: DeskRequestContext) -> String {
        client(peer: context.peerAddress, headers: request.headers)
    }
}
