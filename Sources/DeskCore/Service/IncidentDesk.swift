import Foundation
import Synchronization

/// The desk's use cases: report, list, show, annotate, move, close and reopen incidents.
///
/// Holds no state of its own but the area directory, which is read from the store at start-up
/// and replaced by `reloadAreas()`.
public final class IncidentDesk: Sendable {
    private let store: any DeskStore
    private let clock: any WallClock
    private let ids: IDGenerator
    private let limits: ReportLimits
    private let directory: Mutex<AreaDirectory>

    /// Creates the desk over a store. Call `reloadAreas()` before serving.
    public init(store: any DeskStore, clock: any WallClock, limits: ReportLimits = ReportLimits()) {
        self.store = store
        self.clock = clock
        self.ids = IDGenerator(clock: clock)
        self.limits = limits
        self.directory = Mutex(AreaDirectory([]))
    }

    /// Re-reads the areas from the store.
    public func reloadAreas() async throws {
        let areas = try await store.areas()
        directory.withLock { $0 = AreaDirectory(areas) }
    }

    /// The areas the desk knows, active and inactive, in id order.
    public var areas: [Area] { directory.withLock { $0.all } }

    /// One page of the areas, in id order.
    public func areas(page: PageRequest) throws(DeskError) -> Page<Area> {
        let all = areas
        let start: Int
        switch page.cursor {
        case nil: start = 0
        case .afterKey(let key): start = all.firstIndex { $0.id > key } ?? all.count
        case .afterID, .afterSequence: throw DeskError.invalidParameter("cursor", "not a cursor of the area list")
        }
        let fetched = Array(all[start...].prefix(page.limit + 1))
        return Page.trimming(fetched, limit: page.limit) { .afterKey($0.id) }
    }

    /// Stores a report and the incident it opens; returns both and the events written.
    public func submit(
        _ submission: ReportSubmission, actor: Actor, transport: Transport
    ) async throws -> ReportReceipt {
        let now = clock.now().truncatedToMilliseconds
        let areas = directory.withLock { $0 }
        let report = try ValidatedReport(submission, areas: areas, limits: limits, now: now)
        let new = NewIncident.opening(with: report, transport: transport, stamp: stamp(actor, now))
        let events = try await store.open(new)
        return ReportReceipt(incident: new.incident, report: new.report, events: events)
    }

    /// An incident with its reports; throws `incidentNotFound` when there is none.
    public func incident(_ id: String) async throws -> IncidentDetail {
        let id = try Self.incidentID(id)
        guard let incident = try await store.incident(id) else { throw DeskError.incidentNotFound(id.rawValue) }
        return IncidentDetail(incident: incident, reports: try await store.reports(of: id))
    }

    /// One page of incidents.
    public func incidents(_ query: IncidentQuery) async throws -> Page<Incident> {
        try await store.incidents(query)
    }

    /// One page of an incident's timeline; throws `incidentNotFound` when there is none.
    public func timeline(of id: String, page: PageRequest) async throws -> Page<TimelineEvent> {
        let id = try Self.incidentID(id)
        guard try await store.incident(id) != nil else { throw DeskError.incidentNotFound(id.rawValue) }
        return try await store.events(of: id, page: page)
    }

    /// One page of the whole timeline from `since`.
    public func timeline(since: Date?, page: PageRequest) async throws -> Page<TimelineEvent> {
        try await store.events(since: since, page: page)
    }

    /// Adds a note to an incident.
    public func addNote(to id: String, text: String, actor: Actor) async throws -> IncidentUpdate {
        try await change(id, actor: actor) { incident, limits, stamp throws(DeskError) in
            try IncidentRules.addNote(incident, text: text, limits: limits, stamp: stamp)
        }
    }

    /// Moves an incident to another phase for a reason.
    public func changePhase(of id: String, to phase: Phase, reason: String, actor: Actor) async throws -> IncidentUpdate
    {
        try await change(id, actor: actor) { incident, limits, stamp throws(DeskError) in
            try IncidentRules.changePhase(incident, to: phase, reason: reason, limits: limits, stamp: stamp)
        }
    }

    /// Closes an incident with an outcome.
    public func close(_ id: String, outcome: String, actor: Actor) async throws -> IncidentUpdate {
        try await change(id, actor: actor) { incident, limits, stamp throws(DeskError) in
            try IncidentRules.close(incident, outcome: outcome, limits: limits, stamp: stamp)
        }
    }

    /// Reopens a closed incident.
    public func reopen(_ id: String, reason: String?, actor: Actor) async throws -> IncidentUpdate {
        try await change(id, actor: actor) { incident, limits, stamp throws(DeskError) in
            try IncidentRules.reopen(incident, reason: reason, limits: limits, stamp: stamp)
        }
    }

    /// Proves the store answers.
    public func ping() async throws { try await store.ping() }

    private func change(
        _ id: String, actor: Actor,
        _ rule: @escaping @Sendable (Incident, ReportLimits, EventStamp) throws(DeskError) -> IncidentUpdate
    ) async throws -> IncidentUpdate {
        let id = try Self.incidentID(id)
        let stamp = stamp(actor, clock.now().truncatedToMilliseconds)
        let limits = limits
        return try await store.update(incident: id) { incident throws(DeskError) in
            try rule(incident, limits, stamp)
        }
    }

    private func stamp(_ actor: Actor, _ now: Date) -> EventStamp {
        EventStamp(actor: actor, at: now, ids: ids)
    }

    /// A malformed id cannot name an incident: it is "not found", not a validation error.
    static func incidentID(_ text: String) throws(DeskError) -> DeskID {
        guard let id = DeskID(text) else { throw DeskError.incidentNotFound(text) }
        return id
    }
}

/// What storing a report produced.
public struct ReportReceipt: Sendable, Hashable {
    public var incident: Incident
    public var report: Report
    /// The events written, numbered, oldest first.
    public var events: [TimelineEvent]
}
