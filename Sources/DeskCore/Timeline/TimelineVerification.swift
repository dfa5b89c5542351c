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

    /// Events verified before the break (all of them when intact).
    public var events: Int
    /// The chain hash of the last verified event: record it elsewhere to detect a truncated tail.
    public var head: String
    /// The first broken link, or nil when the chain is intact.
    public var broken: Break?

    /// True when every link holds.
    public var intact: Bool { broken == nil }

    /// Creates a result.
    public init(events: Int, head: String, broken: Break?) {
        self.events = events
        self.head = head
        self.broken = broken
    }

    enum CodingKeys: String, CodingKey {
        case events, head, broken, intact
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        events = try container.decode(Int.self, forKey: .events)
        head = try container.decode(String.self, forKey: .head)
        broken = try container.decodeIfPresent(Break.self, forKey: .broken)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(intact, forKey: .intact)
        try container.encode(events, forKey: .events)
        try container.encode(head, forKey: .head)
        try container.encode(broken, forKey: .broken)
    }
}
