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
    public var page: PageRequest

    /// Creates a query.
    public init(
        area: String? = nil, phase: Phase? = nil, status: IncidentStatus? = nil, since: Date? = nil,
        needsReview: Bool? = nil, page: PageRequest
    ) {
        self.area = area
        self.phase = phase
        self.status = status
        self.since = since
        self.needsReview = needsReview
        self.page = page
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
