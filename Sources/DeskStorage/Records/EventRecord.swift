import DeskCore
import Foundation
import GRDB

/// A row of `event`: the append-only timeline.
struct EventRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "event"

    var seq: Int64?
    var id: String
    /// Canonical `Timestamp` text.
    var at: String
    var incidentID: String?
    var actor: String
    var kind: String
    /// The event's data as JSON text with sorted keys.
    var data: String
    /// SHA-256 of the event's content (see `TimelineChain`).
    var contentHash: String = ""
    /// The chain hash of the event before it (zeros for the first).
    var prevHash: String = ""
    /// SHA-256 of `prevHash` and `contentHash`: the link the next event points to.
    var chainHash: String = ""
    /// When a retention purge redacted the event's data (its content hash stays).
    var redactedAt: String?

    enum CodingKeys: String, CodingKey {
        case seq, id, at, actor, kind, data
        case incidentID = "incident_id"
        case contentHash = "content_hash"
        case prevHash = "prev_hash"
        case chainHash = "chain_hash"
        case redactedAt = "redacted_at"
    }

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let at = Column(CodingKeys.at)
        static let incidentID = Column(CodingKeys.incidentID)
    }

    init(_ event: TimelineEvent) {
        seq = nil
        id = event.id.rawValue
        at = Timestamp.format(event.at)
        incidentID = event.incidentID?.rawValue
        actor = event.actor.rawValue
        kind = event.kind.rawValue
        data = event.data.json
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }

    /// The event, its data kept as the stored text (decoded only if someone asks for its values).
    func event() throws -> TimelineEvent {
        TimelineEvent(
            sequence: seq ?? 0, id: try StoredValue.id(id), at: try StoredValue.time(at),
            incidentID: try incidentID.map(StoredValue.id),
            actor: Actor(rawValue: actor), kind: EventKind(rawValue: kind), data: EventData(storedJSON: data)
        )
    }
}
