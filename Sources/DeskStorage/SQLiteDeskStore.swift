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

    public func open(_ new: NewIncident) async throws -> [TimelineEvent] {
        try await guarded {
            try await database.write { db in
                try IncidentRecord(new.incident).insert(db)
                try ReportRecord(new.report).insert(db)
                try Self.claim(new.claim, report: new.report, in: db)
                return try Self.append(new.events, in: db)
            }
        }
    }

    public func update(
        incident id: DeskID, _ decide: @escaping @Sendable (Incident) throws(DeskError) -> IncidentUpdate
    ) async throws -> IncidentUpdate {
        try await guarded {
            try await database.write { db in
                guard let record = try IncidentRecord.fetchOne(db, key: id.rawValue) else {
                    throw DeskError.incidentNotFound(id.rawValue)
                }
                var update = try decide(try record.incident())
                try IncidentRecord(update.incident).update(db)
                if let report = update.addedReport {
                    try ReportRecord(report).insert(db)
                    try Self.claim(update.claim, report: report, in: db)
                }
                var splitEvents: [TimelineEvent] = []
                if let splitOff = update.splitOff {
                    try IncidentRecord(splitOff.incident).insert(db)
                    try db.execute(
                        sql: "UPDATE report SET incident_id = ? WHERE id = ? AND incident_id = ?",
                        arguments: [splitOff.incident.id.rawValue, splitOff.report.id.rawValue, id.rawValue])
                    guard db.changesCount == 1 else {
                        throw DeskError.invalid([
                            FieldIssue(
                                pointer: "/report_id",
                                detail: "report \(splitOff.report.id) is no longer in incident \(id)")
                        ])
                    }
                    splitEvents = splitOff.events
                }
                let stored = try Self.append(update.events + splitEvents, in: db)
                update.events = Array(stored.prefix(update.events.count))
                update.splitOff?.events = Array(stored.dropFirst(update.events.count))
                return update
            }
        }
    }

    public func correlationCandidates(area: String, since: Date, limit: Int) async throws -> [CorrelationCandidate] {
        try await guarded {
            try await pool.read { db in
                let incidents = try IncidentRecord.filter(IncidentRecord.Columns.areaID == area)
                    .filter(IncidentRecord.Columns.status == IncidentStatus.open.rawValue)
                    .filter(IncidentRecord.Columns.lastReportAt >= Timestamp.format(since))
                    .order(IncidentRecord.Columns.lastReportAt.desc).limit(limit).fetchAll(db)
                return try incidents.map { record in
                    let texts = try String.fetchAll(
                        db, sql: "SELECT text FROM report WHERE incident_id = ? ORDER BY id DESC LIMIT ?",
                        arguments: [record.id, CorrelationCandidate.textsPerCandidate])
                    return CorrelationCandidate(
                        incident: try record.incident(classification: false), reportTexts: texts)
                }
            }
        }
    }

    public func idempotentOutcome(principal: String, key: String) async throws -> IdempotentOutcome? {
        try await guarded {
            try await pool.read { db in
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT request_hash, report_id FROM idempotency_key WHERE principal = ? AND key = ?",
                        arguments: [principal, key])
                else { return nil }
                return IdempotentOutcome(
                    requestHash: row["request_hash"], reportID: try StoredValue.id(row["report_id"]))
            }
        }
    }

    /// Stores an idempotency key with its report; a key stored first by a concurrent retry is a conflict.
    static func claim(_ claim: IdempotencyClaim?, report: Report, in db: Database) throws {
        guard let claim else { return }
        do {
            try db.execute(
                sql: """
                    INSERT INTO idempotency_key (principal, key, request_hash, report_id, created_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    claim.principal, claim.key, claim.requestHash, report.id.rawValue,
                    Timestamp.format(report.receivedAt),
                ])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw DeskError.conflict(.idempotencyKeyTaken(claim.key))
        }
    }

    public func report(_ id: DeskID) async throws -> Report? {
        try await guarded {
            try await pool.read { db in try ReportRecord.fetchOne(db, key: id.rawValue)?.report() }
        }
    }

    public func incident(_ id: DeskID) async throws -> Incident? {
        try await guarded {
            try await pool.read { db in try IncidentRecord.fetchOne(db, key: id.rawValue)?.incident() }
        }
    }

    public func reports(of incident: DeskID) async throws -> [Report] {
        try await guarded {
            try await pool.read { db in
                try ReportRecord.filter(ReportRecord.Columns.incidentID == incident.rawValue)
                    .order(ReportRecord.Columns.id).fetchAll(db).map { try $0.report() }
            }
        }
    }

    public func incidents(_ query: IncidentQuery) async throws -> Page<Incident> {
        var request = IncidentRecord.all()
        if let area = query.area { request = request.filter(IncidentRecord.Columns.areaID == area) }
        if let areas = query.areas {
            let ids = query.alsoIncidents.map(\.rawValue).sorted()
            request = request.filter(
                areas.sorted().contains(IncidentRecord.Columns.areaID) || ids.contains(IncidentRecord.Columns.id))
        }
        if let phase = query.phase { request = request.filter(IncidentRecord.Columns.phase == phase.rawValue) }
        if let status = query.status { request = request.filter(IncidentRecord.Columns.status == status.rawValue) }
        if let needsReview = query.needsReview {
            request = request.filter(IncidentRecord.Columns.needsReview == needsReview)
        }
        if let since = query.since {
            request = request.filter(IncidentRecord.Columns.openedAt >= Timestamp.format(since))
        }
        switch query.page.cursor {
        case .afterID(let id): request = request.filter(IncidentRecord.Columns.id < id.rawValue)
        case .afterSequence, .afterKey: throw DeskError.invalidParameter("cursor", "not a cursor of the incident list")
        case nil: break
        }
        let limit = query.page.limit
        let fetched = try await guarded { [request] in
            try await pool.read { db in
                try request.order(IncidentRecord.Columns.id.desc).limit(limit + 1).fetchAll(db).map {
                    try $0.incident()
                }
            }
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

    public func openIncidentSummary() async throws -> OpenIncidentSummary {
        try await guarded {
            try await pool.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT phase, count(*) AS n, sum(needs_review) AS review FROM incident
                        WHERE status = 'open' GROUP BY phase
                        """)
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

    public func expireIdempotencyKeys(before cutoff: Date) async throws -> Int {
        try await guarded {
            try await database.write { db in
                try db.execute(
                    sql: "DELETE FROM idempotency_key WHERE created_at < ?", arguments: [Timestamp.format(cutoff)])
                let keys = db.changesCount
                try db.execute(
                    sql: "DELETE FROM idempotent_response WHERE created_at < ?", arguments: [Timestamp.format(cutoff)])
                return keys + db.changesCount
            }
        }
    }

    public func events(of incident: DeskID, causedBy report: DeskID) async throws -> [TimelineEvent] {
        try await guarded {
            try await pool.read { db in
                try EventRecord.filter(EventRecord.Columns.incidentID == incident.rawValue)
                    .filter(sql: "json_extract(data, '$.report_id') = ?", arguments: [report.rawValue])
                    .order(EventRecord.Columns.seq).fetchAll(db).map { try $0.event() }
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

    /// Inserts events in order and returns them numbered.
    static func append(_ events: [TimelineEvent], in db: Database) throws -> [TimelineEvent] {
        // Writes are serialised: the head read here is the newest event when this one is inserted.
        var previous = try TimelineChain.head(in: db)
        return try events.map { event in
            var record = try EventRecord(event)
            TimelineChain.seal(&record, after: previous)
            previous = record.chainHash
            try record.insert(db)
            var stored = event
            stored.sequence = record.seq ?? 0
            return stored
        }
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
