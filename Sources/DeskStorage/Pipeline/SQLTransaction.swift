import DeskCore
import Foundation
import GRDB

/// `DeskTransaction` on the writer's connection (SQLite or PostgreSQL), inside the group-commit
/// transaction: what one command reads and writes. Statements are compiled once per connection,
/// correlation candidates come from the writer's `OpenIncidentIndex`, and what the command wrote
/// is collected as its `CommandEffects`.
///
/// Used by one command, on the writer, and dropped when it ends.
final class SQLTransaction: DeskTransaction {
    private let db: any SQLConnection
    private let state: WriterState
    /// What the command wrote so far.
    private(set) var effects = CommandEffects()
    /// Areas whose incidents the command wrote: forgotten by the index if it rolls back.
    private(set) var touchedAreas: Set<String> = []

    init(_ db: any SQLConnection, state: WriterState) {
        self.db = db
        self.state = state
    }

    // MARK: Incidents and reports

    func incident(_ id: DeskID) throws -> Incident? { try IncidentRows.fetch(id, in: db) }

    func report(_ id: DeskID) throws -> Report? { try ReportRecord.fetch(id, in: db) }

    func reports(of incident: DeskID) throws -> [Report] { try ReportRecord.fetchAll(of: incident, in: db) }

    func correlationCandidates(area: String, since: Date, limit: Int) throws -> [CorrelationCandidate] {
        if let known = state.withIndex({ $0.candidates(area: area, since: since, limit: limit) }) { return known }
        let capacity = state.withIndex { $0.capacity }
        let incidents = try IncidentRows.fetchAll(
            """
            SELECT \(IncidentRows.columns) FROM incident
            WHERE area_id = ? AND status = 'open' AND last_report_at >= ?
            ORDER BY last_report_at DESC LIMIT ?
            """, [area, Timestamp.format(since), max(capacity, limit)], in: db)
        let candidates = try incidents.map { incident in
            CorrelationCandidate(
                incident: incident,
                reportTexts: try db.values(
                    String.self, "SELECT text FROM report WHERE incident_id = ? ORDER BY id DESC LIMIT ?",
                    [incident.id.rawValue, CorrelationCandidate.textsPerCandidate]))
        }
        if limit <= capacity { state.withIndex { $0.load(area: area, since: since, candidates: candidates) } }
        return Array(candidates.prefix(limit))
    }

    func insert(_ incident: Incident) throws {
        touchedAreas.insert(incident.areaID)
        try IncidentRows.insert(incident, in: db)
        state.withIndex { $0.inserted(incident) }
        effects.incidents[incident.id] = incident
    }

    func update(_ incident: Incident, from previous: Incident) throws {
        touchedAreas.insert(incident.areaID)
        try IncidentRows.update(incident, from: previous, in: db)
        state.withIndex { $0.updated(incident) }
        effects.incidents[incident.id] = incident
    }

    func insert(_ report: Report) throws {
        touchedAreas.insert(report.areaID)
        try ReportRecord(report).insert(in: db)
        state.withIndex { $0.added(text: report.text, to: report.incidentID, area: report.areaID) }
    }

    func move(report: DeskID, from: DeskID, to: DeskID) throws -> Bool {
        let moved = try db.execute(
            "UPDATE report SET incident_id = ? WHERE id = ? AND incident_id = ?",
            [to.rawValue, report.rawValue, from.rawValue])
        guard moved == 1 else { return false }
        // The incident it left keeps that report's text among its latest: read the area again.
        let area = try effects.incidents[from]?.areaID ?? IncidentRows.fetch(from, in: db)?.areaID
        if let area {
            touchedAreas.insert(area)
            state.withIndex { $0.forget(area: area) }
        }
        return true
    }

    @discardableResult
    func append(_ events: [TimelineEvent]) throws -> [TimelineEvent] {
        guard !events.isEmpty else { return [] }
        // Numbered here, after the newest event: the writer is the only one appending (within
        // deskd, and across instances by the write turn, which reads the position afresh).
        let start = try state.position ?? TimelineChain.position(in: db)
        var previous = start.hash
        var sequence = start.sequence
        var records: [EventRecord] = []
        var stored: [TimelineEvent] = []
        records.reserveCapacity(events.count)
        stored.reserveCapacity(events.count)
        for event in events {
            sequence += 1
            var record = EventRecord(event)
            record.seq = sequence
            TimelineChain.seal(&record, after: previous)
            previous = record.chainHash
            records.append(record)
            var numbered = event
            numbered.sequence = sequence
            stored.append(numbered)
        }
        try EventRows.insert(records, in: db)
        state.position = TimelineChain.Position(hash: previous, sequence: sequence)
        effects.events += stored
        return stored
    }

    // MARK: Duty

    func roster() throws -> Roster { try DutyQueries.roster(in: db) }

    func callOut(_ id: DeskID) throws -> CallOut? { try DutyQueries.callOut(id, in: db) }

    func callOuts(_ query: CallOutQuery) throws -> [CallOut] { try DutyQueries.callOuts(query, in: db) }

    func followUp(_ id: DeskID) throws -> FollowUp? { try DutyQueries.followUp(id, in: db) }

    func followUps(_ query: FollowUpQuery) throws -> [FollowUp] { try DutyQueries.followUps(query, in: db) }

    func inboundTextSeen(provider: String, messageID: String) throws -> Bool {
        try TextRows.seen(provider: provider, messageID: messageID, in: db)
    }

    func helpTextSent(to sender: PhoneNumber, since: Date) throws -> Bool {
        try TextRows.helpSent(to: sender, since: since, in: db)
    }

    func insert(_ text: InboundText) throws { try TextRows.insert(text, in: db) }

    func forgetTexts(before cutoff: Date) throws -> Int { try TextRows.forget(before: cutoff, in: db) }

    func apply(_ change: DutyChange) throws -> [TimelineEvent] {
        let events = try DutyQueries.apply(change, in: db)
        effects.attempts += change.attempts
        return try append(events)
    }

    func save(_ responder: Responder) throws { try DutyRows.save(responder, in: db) }

    func replaceSchedule(with roster: Roster) throws { try DutyQueries.replaceSchedule(with: roster, in: db) }

    func insert(_ override: RosterOverride) throws { try DutyRows.insert(override, in: db) }

    // MARK: Tokens

    func token(named name: String) throws -> APIToken? { try TokenRows.token(named: name, in: db) }

    func insert(_ token: APIToken) throws { try TokenRows.insert(token, in: db) }

    func revokeToken(named name: String, at: Date) throws { try TokenRows.revoke(named: name, at: at, in: db) }

    // MARK: Retention and upkeep

    func erase(
        _ incidents: [DeskID], closedBefore cutoff: Date, dryRun: Bool, stamp: EventStamp
    ) throws
        -> PurgeSummary
    {
        let (summary, event) = try Erasure.erase(incidents, closedBefore: cutoff, dryRun: dryRun, stamp: stamp, in: db)
        if let event { try append([event]) }
        return summary
    }

    func expireIdempotencyKeys(before cutoff: Date) throws -> Int {
        try IdempotencyRows.expire(before: cutoff, in: db)
    }
}
