import DeskCore
import Foundation
import GRDB

/// The `DeskStore` port on the SQLite database.
public struct SQLiteDeskStore: DeskStore {
    let database: DeskDatabase

    /// Creates the store over an opened database.
    public init(database: DeskDatabase) {
        self.database = database
    }

    var pool: DatabasePool { database.pool }

    public func areas() async throws -> [Area] {
        try await guarded {
            try await pool.read { db in
                let neighbours = try AreaNeighbourRecord.fetchAll(db)
                let byArea = Dictionary(grouping: neighbours, by: \.areaID)
                return try AreaRecord.order(AreaRecord.Columns.id).fetchAll(db).map { record in
                    Area(
                        id: record.id, name: record.name, city: record.city,
                        neighbours: (byArea[record.id] ?? []).map(\.neighbourID).sorted(), active: record.active
                    )
                }
            }
        }
    }

    public func report(_ id: DeskID) async throws -> Report? {
        try await guarded {
            try await pool.read { db in try ReportRecord.fetch(id, in: db) }
        }
    }

    public func incident(_ id: DeskID) async throws -> Incident? {
        try await guarded {
            try await pool.read { db in try IncidentRows.fetch(id, in: db) }
        }
    }

    public func reports(of incident: DeskID) async throws -> [Report] {
        try await guarded {
            try await pool.read { db in
                try ReportRecord.fetchAll(
                    db, sql: "SELECT * FROM report WHERE incident_id = ? ORDER BY id", arguments: [incident.rawValue]
                ).map { try $0.report() }
            }
        }
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
        if let since = query.since { conditions.add("opened_at >= ?", Timestamp.format(since)) }
        switch query.page.cursor {
        case .afterID(let id): conditions.add("id < ?", id.rawValue)
        case .afterSequence, .afterKey: throw DeskError.invalidParameter("cursor", "not a cursor of the incident list")
        case nil: break
        }
        let limit = query.page.limit
        let sql = "SELECT \(IncidentRows.columns) FROM incident" + conditions.whereClause + " ORDER BY id DESC LIMIT ?"
        let bound = conditions.arguments + [limit + 1]
        let fetched = try await guarded {
            try await pool.read { db in try IncidentRows.fetchAll(sql, bound, in: db) }
        }
        return Page.trimming(fetched, limit: limit) { .afterID($0.id) }
    }

    public func events(of incident: DeskID, page: PageRequest) async throws -> Page<TimelineEvent> {
        try await events(page: page, EventRecord.filter(EventRecord.Columns.incidentID == incident.rawValue))
    }

    public func events(since: Date?, page: PageRequest) async throws -> Page<TimelineEvent> {
        var request = EventRecord.all()
        if let since { request = request.filter(EventRecord.Columns.at >= Timestamp.format(since)) }
        return try await events(page: page, request)
    }

    /// What `openIncidentSummary` asks: answered from the covering index `incident_open_by_phase`,
    /// so that start-up on a large database whose pages are not yet cached reads a few index
    /// pages, not one page per open incident.
    static let openIncidentSummaryQuery = """
        SELECT phase, count(*) AS n, sum(needs_review) AS review FROM incident
        WHERE status = 'open' GROUP BY phase
        """

    public func openIncidentSummary() async throws -> OpenIncidentSummary {
        try await guarded {
            try await pool.read { db in
                let rows = try Row.fetchAll(db, sql: Self.openIncidentSummaryQuery)
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
    }

    public func backup(name: String) async throws -> BackupSummary {
        try await guarded { try await database.backup(name: name) }
    }

    public func verifyTimeline(anchor: ChainHead?) async throws -> TimelineVerification {
        try await guarded { try await TimelineChain.verify(reading: pool, anchor: anchor) }
    }

    public func chainHead() async throws -> ChainHead {
        try await guarded {
            try await pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT seq, chain_hash FROM event ORDER BY seq DESC LIMIT 1")
                else { return ChainHead(sequence: 0, hash: TimelineChain.genesis) }
                return ChainHead(sequence: row["seq"], hash: row["chain_hash"])
            }
        }
    }

    public func ping() async throws {
        _ = try await guarded { try await pool.read { try Int.fetchOne($0, sql: "SELECT 1") } }
    }

    private func events(
        page: PageRequest, _ base: QueryInterfaceRequest<EventRecord>
    ) async throws -> Page<TimelineEvent> {
        var request = base
        switch page.cursor {
        case .afterSequence(let sequence): request = request.filter(EventRecord.Columns.seq > sequence)
        case .afterID, .afterKey: throw DeskError.invalidParameter("cursor", "not a cursor of a timeline")
        case nil: break
        }
        let limit = page.limit
        let fetched = try await guarded { [request] in
            try await pool.read { db in
                try request.order(EventRecord.Columns.seq).limit(limit + 1).fetchAll(db).map { try $0.event() }
            }
        }
        return Page.trimming(fetched, limit: limit) { .afterSequence($0.sequence) }
    }
}

/// Runs a storage operation, turning every storage error into a `DeskError` so that nothing
/// GRDB-specific leaves this module.
func guarded<Value: Sendable>(_ operation: @Sendable () async throws -> Value) async throws -> Value {
    do {
        return try await operation()
    } catch let error as DeskError {
        throw error
    } catch let error as DatabaseError {
        throw DeskError.unavailable(StorageErrorText.describe(error))
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
