import DeskCore
import Foundation
import GRDB
import PostgresNIO

/// The desk's storage ports — `DeskStore`, `DutyStore`, `AccessStore` and the write pipeline
/// (`CommandPipeline`) — on an SQL database: SQLite (`DeskDatabase`, the embedded default) or
/// PostgreSQL (`PostgresDeskDatabase`). One implementation, one set of queries: where the two
/// engines' SQL differs, the query says so by `dialect`.
public struct SQLDeskStore: DeskStore {
    let engine: any SQLEngine

    /// The store over an opened SQLite database.
    public init(database: DeskDatabase) {
        engine = database
    }

    /// The store over an opened PostgreSQL database.
    public init(database: PostgresDeskDatabase) {
        engine = database
    }

    /// Runs a read on a connection of its own, its errors turned into `DeskError`s.
    func read<Value: Sendable>(_ work: @escaping @Sendable (any SQLConnection) throws -> Value) async throws -> Value {
        try await guarded { try await engine.read(work) }
    }

    public func areas() async throws -> [Area] {
        try await read { db in try AreaRows.areas(in: db) }
    }

    public func report(_ id: DeskID) async throws -> Report? {
        try await read { db in try ReportRecord.fetch(id, in: db) }
    }

    public func incident(_ id: DeskID) async throws -> Incident? {
        try await read { db in try IncidentRows.fetch(id, in: db) }
    }

    public func reports(of incident: DeskID) async throws -> [Report] {
        try await read { db in try ReportRecord.fetchAll(of: incident, in: db) }
    }

    public func incidents(_ query: IncidentQuery) async throws -> Page<Incident> {
        var conditions = SQLConditions()
        if let area = query.area { conditions.add("area_id = ?", area) }
        if let areas = query.areas {
            // A responder's scope: their areas, and the incidents they are called out to elsewhere.
            var inAreas = SQLConditions()
            inAreas.add(oneOf: "area_id", areas.sorted())
            var inIDs = SQLConditions()
            inIDs.add(oneOf: "id", query.alsoIncidents.map(\.rawValue).sorted())
            conditions.add(anyOf: [inAreas, inIDs])
        }
        if let phase = query.phase { conditions.add("phase = ?", phase.rawValue) }
        if let status = query.status { conditions.add("status = ?", status.rawValue) }
        if let needsReview = query.needsReview { conditions.add("needs_review = ?", needsReview) }
        if let language = query.language {
            // Through the index of incidents by language: one row per incident and language.
            conditions.add("id IN (SELECT incident_id FROM incident_language WHERE language = ?)", language)
        }
        if let since = query.since { conditions.add("opened_at >= ?", Timestamp.format(since)) }
        switch query.page.cursor {
        case .afterID(let id): conditions.add("id < ?", id.rawValue)
        case .afterSequence, .afterKey: throw DeskError.invalidParameter("cursor", "not a cursor of the incident list")
        case nil: break
        }
        let limit = query.page.limit
        let sql = "SELECT \(IncidentRows.columns) FROM incident" + conditions.whereClause + " ORDER BY id DESC LIMIT ?"
        let bound = conditions.arguments + [limit + 1]
        // The same few shapes of query over and over (one per combination of filters): cached, unless
        // a responder's list of areas and incidents makes its text as long as the list.
        let cached = query.areas == nil
        let fetched = try await read { db in try IncidentRows.fetchAll(sql, bound, cached: cached, in: db) }
        return Page.trimming(fetched, limit: limit) { .afterID($0.id) }
    }

    public func events(of incident: DeskID, page: PageRequest) async throws -> Page<TimelineEvent> {
        var conditions = SQLConditions()
        conditions.add("incident_id = ?", incident.rawValue)
        return try await events(page: page, conditions)
    }

    public func events(since: Date?, page: PageRequest) async throws -> Page<TimelineEvent> {
        var conditions = SQLConditions()
        if let since { conditions.add("at >= ?", Timestamp.format(since)) }
        return try await events(page: page, conditions)
    }

    /// What `openIncidentSummary` asks: answered from the covering index `incident_open_by_phase`,
    /// so that start-up on a large database whose pages are not yet cached reads a few index
    /// pages, not one page per open incident.
    static let openIncidentSummaryQuery = """
        SELECT phase, count(*) AS n, sum(needs_review) AS review FROM incident
        WHERE status = 'open' GROUP BY phase
        """

    public func openIncidentSummary() async throws -> OpenIncidentSummary {
        try await read { db in
            let rows = try db.rows(Self.openIncidentSummaryQuery)
            var byPhase: [Phase: Int] = [:]
            var review = 0
            for row in rows {
                let phase: Phase = try StoredValue.enumeration(row["phase"])
                byPhase[phase] = row["n"]
                review += row["review"] ?? 0
            }
            return OpenIncidentSummary(byPhase: byPhase, needingReview: review)
        }
    }

    public func backup(name: String) async throws -> BackupSummary {
        try await guarded { try await engine.backup(name: name) }
    }

    public func verifyTimeline(anchor: ChainHead?) async throws -> TimelineVerification {
        try await guarded { try await TimelineChain.verify(reading: engine, anchor: anchor) }
    }

    public func chainHead() async throws -> ChainHead {
        try await read { db in
            guard let row = try db.row("SELECT seq, chain_hash FROM event ORDER BY seq DESC LIMIT 1") else {
                return ChainHead(sequence: 0, hash: TimelineChain.genesis)
            }
            return ChainHead(sequence: row["seq"], hash: row["chain_hash"])
        }
    }

    public func ping() async throws {
        _ = try await read { db in try db.value(Int.self, "SELECT 1") }
    }

    private func events(page: PageRequest, _ base: SQLConditions) async throws -> Page<TimelineEvent> {
        var conditions = base
        switch page.cursor {
        case .afterSequence(let sequence): conditions.add("seq > ?", sequence)
        case .afterID, .afterKey: throw DeskError.invalidParameter("cursor", "not a cursor of a timeline")
        case nil: break
        }
        let limit = page.limit
        let sql = "SELECT * FROM event" + conditions.whereClause + " ORDER BY seq LIMIT ?"
        let bound = conditions.arguments + [limit + 1]
        let fetched = try await read { db in
            try db.rows(sql, bound).map { try EventRecord(row: $0).event() }
        }
        return Page.trimming(fetched, limit: limit) { .afterSequence($0.sequence) }
    }
}

/// Runs a storage operation, turning every storage error into a `DeskError` so that nothing
/// engine-specific leaves this module.
func guarded<Value: Sendable>(_ operation: @Sendable () async throws -> Value) async throws -> Value {
    do {
        return try await operation()
    } catch let error as DeskError {
        throw error
    } catch let error as DatabaseError {
        throw DeskError.unavailable(StorageErrorText.describe(error))
    } catch let error as PSQLError {
        throw DeskError.unavailable(PostgresErrorText.describe(error))
    } catch let error as PostgresUnreachable {
        throw DeskError.unavailable(error.description)
    } catch let error as PostgresCommitUnconfirmed {
        throw DeskError.unconfirmed(error.description)
    } catch let error as PostgresConnectionLost {
        throw DeskError.unavailable(error.description)
    } catch let error as StorageFailure {
        throw DeskError.unavailable(error.description)
    } catch let error as DecodingError {
        throw DeskError.unavailable("stored data could not be read: \(error)")
    }
}

/// Operator-facing text for SQLite failures.
enum StorageErrorText {
    static func describe(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_FULL: return "the disk is full"
        case .SQLITE_READONLY: return "the database is read-only"
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "the database is busy"
        case .SQLITE_IOERR:
            // What a filesystem the kernel turned read-only after a disk error looks like too.
            return "the disk reported an I/O error (the filesystem may have gone read-only; see the kernel log)"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return "the database file is damaged"
        default: return "database error: \(error.message ?? error.resultCode.description)"
        }
    }
}
