/// Who caused a change: recorded on every timeline event.
///
/// The text form names the channel and the identity, e.g. `unix:alice`, `tcp:127.0.0.1`, `system`.
public struct Actor: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The text form stored with events.
    public let rawValue: String

    /// Creates an actor from its text form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A local user identified by the Unix socket's peer credentials.
    public static func unixUser(_ name: String) -> Actor { Actor(rawValue: "unix:\(name)") }

    /// An unauthenticated HTTP client, named by its address.
    public static func tcpPeer(_ address: String) -> Actor { Actor(rawValue: "tcp:\(address)") }

    /// The daemon itself (seeding, timers).
    public static let system = Actor(rawValue: "system")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
