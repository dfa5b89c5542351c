/// The result of walking the timeline's hash chain.
public struct TimelineVerification: Sendable, Hashable, Codable {
    /// Where the chain breaks.
    public struct Break: Sendable, Hashable, Codable {
        public var sequence: Int64
        public var eventID: String
        public var reason: String

        /// Creates a break.
        public init(sequence: Int64, eventID: String, reason: String) {
            self.sequence = sequence
            self.eventID = eventID
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case reason
            case sequence = "seq"
            case eventID = "event_id"
        }
    }

    /// Whether a head seen earlier (`deskctl verify --head SEQ:HASH`) is still on the chain.
    public struct AnchorCheck: Sendable, Hashable, Codable {
        public var head: ChainHead
        public var onChain: Bool
        /// Why it is not on the chain.
        public var reason: String?

        /// Creates a check.
        public init(head: ChainHead, onChain: Bool, reason: String? = nil) {
            self.head = head
            self.onChain = onChain
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case head, reason
            case onChain = "on_chain"
        }
    }

    /// Events verified before the break (all of them when intact).
    public var events: Int
    /// The chain hash of the last verified event: record it elsewhere to detect a truncated tail.
    public var head: String
    /// The sequence number of the last verified event (0 for none): with `head`, the chain head
    /// to keep elsewhere.
    public var headSequence: Int64
    /// The first broken link, or nil when the chain is intact.
    public var broken: Break?
    /// The check of a head seen earlier, when one was given.
    public var anchor: AnchorCheck?

    /// True when every link holds.
    public var intact: Bool { broken == nil }

    /// True when every link holds and the head given, if any, is on the chain.
    public var verified: Bool { intact && anchor?.onChain != false }

    /// Creates a result.
    public init(events: Int, head: String, headSequence: Int64 = 0, broken: Break?, anchor: AnchorCheck? = nil) {
        self.events = events
        self.head = head
        self.headSequence = headSequence
        self.broken = broken
        self.anchor = anchor
    }

    enum CodingKeys: String, CodingKey {
        case events, head, broken, intact, anchor
        case headSequence = "head_seq"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        events = try container.decode(Int.self, forKey: .events)
        head = try container.decode(String.self, forKey: .head)
        headSequence = try container.decodeIfPresent(Int64.self, forKey: .headSequence) ?? 0
        broken = try container.decodeIfPresent(Break.self, forKey: .broken)
        anchor = try container.decodeIfPresent(AnchorCheck.self, forKey: .anchor)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(intact, forKey: .intact)
        try container.encode(events, forKey: .events)
        try container.encode(head, forKey: .head)
        try container.encode(headSequence, forKey: .headSequence)
        try container.encode(broken, forKey: .broken)
        try container.encodeIfPresent(anchor, forKey: .anchor)
    }
}
