import Foundation

/// Filters for listing incidents, newest first.
public struct IncidentQuery: Sendable, Hashable {
    public var area: String?
    public var phase: Phase?
    public var status: IncidentStatus?
    /// Only incidents opened at or after this instant.
    public var since: Date?
    /// Only incidents whose classification does (true) or does not (false) await review.
    public var needsReview: Bool?
    /// Only incidents with a report in this language (an ISO 639 code as reports are stored with,
    /// see `IncidentLanguages.filterCode`): an incident with a Somali and a Swedish report is
    /// listed for `so` and for `sv`.
    public var language: String?
    /// Only incidents in these areas (a responder sees their own areas); nil: every area.
    public var areas: Set<String>?
    /// With `areas`: these incidents too, whatever their area (those a responder is called to now).
    public var alsoIncidents: Set<DeskID> = []
    public var page: PageRequest

    /// Creates a query.
    public init(
        area: String? = nil, phase: Phase? = nil, status: IncidentStatus? = nil, since: Date? = nil,
        needsReview: Bool? = nil, language: String? = nil, page: PageRequest
    ) {
        self.area = area
        self.phase = phase
        self.status = status
        self.since = since
        self.needsReview = needsReview
        self.language = language
        self.page = page
    }
}

/// The open incidents at a glance: for `systemctl status` and the logs.
public struct OpenIncidentSummary: Sendable, Hashable {
    public var byPhase: [Phase: Int]
    public var needingReview: Int

    /// Creates a summary.
    public init(byPhase: [Phase: Int], needingReview: Int) {
        self.byPhase = byPhase
        self.needingReview = needingReview
    }

    /// All open incidents.
    public var total: Int { byPhase.values.reduce(0, +) }

    /// `12 open (3 during, 5 after, 4 before), 2 awaiting review`.
    public var description: String {
        let parts = [Phase.during, .after, .before, .unclassified].compactMap { phase -> String? in
            guard let count = byPhase[phase], count > 0 else { return nil }
            return "\(count) \(phase.rawValue)"
        }
        var line = "\(total) open"
        if !parts.isEmpty { line += " (\(parts.joined(separator: ", ")))" }
        if needingReview > 0 { line += ", \(needingReview) awaiting review" }
        return line
    }
}

/// An incident with the reports that describe it.
public struct IncidentDetail: Sendable, Hashable {
    public var incident: Incident
    public var reports: [Report]

    /// Creates a detail view.
    public init(incident: Incident, reports: [Report]) {
        self.incident = incident
        self.reports = reports
    }
}
