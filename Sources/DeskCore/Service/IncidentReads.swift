import Foundation

/// Reading incidents, their reports and the timeline: what lists and pages show. Never writes.
public struct IncidentReads: Sendable {
    private let store: any DeskStore
    private let settings: LiveSettings

    /// Reads from `store`; the areas come from `settings`.
    public init(store: any DeskStore, settings: LiveSettings) {
        self.store = store
        self.settings = settings
    }

    /// The areas the desk knows, active and inactive, in id order.
    public var areas: [Area] { settings.current.areas.all }

    /// Reads the areas from the store into the settings (at start-up and after areas are synced).
    public func reloadAreas() async throws {
        let areas = AreaDirectory(try await store.areas())
        settings.update { $0.areas = areas }
    }

    /// One page of the areas (of `list`, the areas read earlier from `areas`, if given), in id order.
    public func areas(page: PageRequest, of list: [Area]? = nil) throws(DeskError) -> Page<Area> {
        let all = list ?? areas
        let start: Int
        switch page.cursor {
        case nil: start = 0
        case .afterKey(let key): start = all.firstIndex { $0.id > key } ?? all.count
        case .afterID, .afterSequence: throw DeskError.invalidParameter("cursor", "not a cursor of the area list")
        }
        let fetched = Array(all[start...].prefix(page.limit + 1))
        return Page.trimming(fetched, limit: page.limit) { .afterKey($0.id) }
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

    /// The open incidents at a glance.
    public func openIncidentSummary() async throws -> OpenIncidentSummary { try await store.openIncidentSummary() }

    /// One incident's whole record: the incident, its reports and every event of its timeline
    /// (for a subject access request or an after-action review).
    public func export(_ id: String) async throws -> (detail: IncidentDetail, timeline: [TimelineEvent]) {
        let detail = try await incident(id)
        var events: [TimelineEvent] = []
        var page = try PageRequest(limit: PageRequest.maxLimit)
        while true {
            let fetched = try await store.events(of: detail.incident.id, page: page)
            events += fetched.items
            guard let next = fetched.nextCursor else { break }
            page = try PageRequest(limit: PageRequest.maxLimit, cursor: next)
        }
        return (detail, events)
    }

    /// Proves the store answers.
    public func ping() async throws { try await store.ping() }

    /// A malformed id cannot name an incident: it is "not found", not a validation error.
    static func incidentID(_ text: String) throws(DeskError) -> DeskID {
        guard let id = DeskID(text) else { throw DeskError.incidentNotFound(text) }
        return id
    }
}
