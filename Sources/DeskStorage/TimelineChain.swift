import Crypto
import DeskCore
import Foundation
import GRDB

/// The timeline's hash chain: each event stores the SHA-256 of its own content and of the event
/// before it, so an edited, deleted, inserted or reordered event breaks the chain at that point.
/// The content hash is kept separately so that a retention purge can erase an event's text and
/// still leave the chain verifiable.
enum TimelineChain {
    /// The `prev_hash` of the very first event.
    static let genesis = String(repeating: "0", count: 64)

    /// SHA-256 over the stored columns, each on its own line, as lowercase hex.
    static func contentHash(of record: EventRecord) -> String {
        contentHash(
            id: record.id, at: record.at, incidentID: record.incidentID, actor: record.actor, kind: record.kind,
            data: record.data)
    }

    /// SHA-256 over an event's stored columns, each on its own line, as lowercase hex.
    static func contentHash(
        id: String, at: String, incidentID: String?, actor: String, kind: String, data: String
    ) -> String {
        var hasher = SHA256()
        for text in [id, "\n", at, "\n", incidentID ?? "", "\n", actor, "\n", kind, "\n"] {
            update(&hasher, with: text)
        }
        update(&hasher, with: data)
        return hex(hasher.finalize())
    }

    /// The chain hash of an event whose predecessor has chain hash `previous`: the SHA-256 of
    /// `previous:content`.
    static func link(previous: String, content: String) -> String {
        var hasher = SHA256()
        update(&hasher, with: previous)
        update(&hasher, with: ":")
        update(&hasher, with: content)
        return hex(hasher.finalize())
    }

    /// Feeds a text's UTF-8 to `hasher` from the string's own storage, without copying it into
    /// `Data` first (an event's data is most of what is hashed).
    private static func update(_ hasher: inout SHA256, with text: String) {
        var text = text
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }

    /// Where the chain ends: the newest event's chain hash and sequence number (the genesis hash
    /// and 0 for an empty timeline).
    struct Position: Equatable, Sendable {
        let hash: String
        let sequence: Int64
    }

    /// The newest event's position, read from the table.
    static func position(in db: any SQLConnection) throws -> Position {
        guard let row = try db.row("SELECT chain_hash, seq FROM event ORDER BY seq DESC LIMIT 1") else {
            return Position(hash: genesis, sequence: 0)
        }
        return Position(hash: row["chain_hash"], sequence: row["seq"])
    }

    /// Fills in a record's hashes as the successor of `previous`.
    static func seal(_ record: inout EventRecord, after previous: String) {
        record.contentHash = contentHash(of: record)
        record.prevHash = previous
        record.chainHash = link(previous: previous, content: record.contentHash)
    }

    /// Events read per read transaction: a verification never holds one snapshot of the whole
    /// timeline (which would keep the WAL from being checkpointed while it runs).
    static let verificationChunk = 5000

    /// Walks the whole timeline in order, `chunk` events per read, and reports the first broken
    /// link. An event redacted by a retention purge is checked by its stored content hash (its text
    /// is gone) and must be listed by a `retention.purged` event. With `anchor` (a head seen
    /// earlier), also checks that the event it names is still there with that chain hash: removing
    /// the newest events leaves a chain that verifies, but not past the anchor.
    static func verify(
        reading reader: any SQLReader, anchor: ChainHead?, chunk: Int = verificationChunk
    ) async throws -> TimelineVerification {
        var purged = try await reader.read { db in try purgedSequences(in: db) }
        var previous = genesis
        var count = 0
        var last: Int64 = 0
        var anchorCheck: TimelineVerification.AnchorCheck?
        if let anchor, anchor.sequence == 0 {
            anchorCheck = .init(
                head: anchor, onChain: anchor.hash == genesis,
                reason: anchor.hash == genesis ? nil : "sequence 0 has only the genesis hash")
        }
        while true {
            let after = last
            let rows = try await reader.read { db in
                try db.rows(
                    "SELECT seq, id, at, incident_id, actor, kind, data, content_hash, prev_hash, chain_hash, "
                        + "redacted_at FROM event WHERE seq > ? ORDER BY seq LIMIT ?", [after, chunk]
                ).map(EventRecord.init(row:))
            }
            if rows.isEmpty { break }
            for row in rows {
                let seq = row.seq ?? 0
                let id = row.id
                let contentHash = row.contentHash
                let chainHash = row.chainHash
                let redacted = row.redactedAt != nil
                func broken(_ reason: String) -> TimelineVerification {
                    TimelineVerification(
                        events: count, head: previous, headSequence: last,
                        broken: .init(sequence: seq, eventID: id, reason: reason),
                        anchor: anchorCheck
                            ?? anchor.map { .init(head: $0, onChain: false, reason: "the chain breaks before it") })
                }
                if row.prevHash != previous {
                    return broken("does not follow the event before it (an event was removed, inserted or reordered)")
                }
                if redacted {
                    // A purge may have committed since the list was read.
                    if !purged.contains(seq) { purged = try await reader.read { db in try purgedSequences(in: db) } }
                    if !purged.contains(seq) {
                        return broken("it is marked redacted but no retention purge lists it")
                    }
                } else if Self.contentHash(of: row) != contentHash {
                    return broken("its content differs from what was stored (the event was edited)")
                }
                if link(previous: previous, content: contentHash) != chainHash {
                    return broken("its chain hash is wrong (the hashes were edited)")
                }
                if let anchor, anchorCheck == nil, seq >= anchor.sequence {
                    anchorCheck =
                        seq > anchor.sequence
                        ? .init(head: anchor, onChain: false, reason: "there is no event \(anchor.sequence)")
                        : chainHash == anchor.hash
                            ? .init(head: anchor, onChain: true)
                            : .init(
                                head: anchor, onChain: false,
                                reason:
                                    "event \(seq) has another chain hash (\(chainHash.prefix(12))…): history was rewritten"
                            )
                }
                previous = chainHash
                last = seq
                count += 1
            }
        }
        if let anchor, anchorCheck == nil {
            anchorCheck = .init(
                head: anchor, onChain: false,
                reason: "the timeline ends at event \(last): the newest events were removed")
        }
        return TimelineVerification(
            events: count, head: previous, headSequence: last, broken: nil, anchor: anchorCheck)
    }

    /// The sequence numbers every `retention.purged` event says it redacted.
    private static func purgedSequences(in db: any SQLConnection) throws -> Set<Int64> {
        var sequences: Set<Int64> = []
        for data in try db.values(String.self, "SELECT data FROM event WHERE kind = 'retention.purged'") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any],
                let list = object["redacted_events"] as? [NSNumber]
            else { continue }
            sequences.formUnion(list.map(\.int64Value))
        }
        return sequences
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        Hex.encode(digest)
    }
}
