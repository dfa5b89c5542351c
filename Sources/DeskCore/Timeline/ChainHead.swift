/// A point on the timeline's hash chain: an event's sequence number and its chain hash.
///
/// Kept outside the database (the journal, a remote log, a notebook), a head seen earlier anchors
/// the chain: `deskctl verify --head SEQ:HASH` finds the newest events removed, which the chain
/// alone cannot show.
public struct ChainHead: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The event's sequence number; 0 for the empty timeline.
    public var sequence: Int64
    /// The event's chain hash (64 lowercase hex digits).
    public var hash: String

    /// Creates a head.
    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    /// Parses `SEQ:HASH` (as `description` writes it); nil when malformed.
    ///
    /// Example: `ChainHead("1042:9f86d08…")`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let sequence = Int64(parts[0]), sequence >= 0, parts[1].count == 64,
            parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        else { return nil }
        self.init(sequence: sequence, hash: String(parts[1]))
    }

    /// `SEQ:HASH`.
    public var description: String { "\(sequence):\(hash)" }

    enum CodingKeys: String, CodingKey {
        case hash
        case sequence = "seq"
    }
}
