import DeskCore
import Foundation

/// An incident as the API shows it.
public struct IncidentBody: Codable, Sendable, Hashable {
    public var id: String
    public var area: String
    public var title: String
    public var phase: String
    public var category: String?
    public var severity: Int?
    public var status: String
    public var openedAt: Date
    public var updatedAt: Date
    public var closedAt: Date?
    public var outcome: String?
    public var reportCount: Int
    /// True while a low-confidence classification waits for a duty officer's confirmation.
    public var needsReview: Bool
    /// The classification that set the phase, with its signals.
    public var classification: Classification?
    public var lastReportAt: Date
    /// Present on `GET /v1/incidents/{id}` only.
    public var reports: [ReportBody]?

    enum CodingKeys: String, CodingKey {
        case id, area, title, phase, category, severity, status, outcome, reports, classification
        case needsReview = "needs_review"
        case lastReportAt = "last_report_at"
        case openedAt = "opened_at"
        case updatedAt = "updated_at"
        case closedAt = "closed_at"
        case reportCount = "report_count"
    }

    /// The API form of an incident.
    public init(_ incident: Incident, reports: [Report]? = nil) {
        id = incident.id.rawValue
        area = incident.areaID
        title = incident.title
        phase = incident.phase.rawValue
        category = incident.category?.rawValue
        severity = incident.severity
        status = incident.status.rawValue
        openedAt = incident.openedAt
        updatedAt = incident.updatedAt
        closedAt = incident.closedAt
        outcome = incident.outcome
        reportCount = incident.reportCount
        needsReview = incident.needsReview
        classification = incident.classification
        lastReportAt = incident.lastReportAt
        self.reports = reports?.map(ReportBody.init)
    }
}

/// A stored report as the API shows it.
public struct ReportBody: Codable, Sendable, Hashable {
    public var id: String
    public var incidentID: String
    public var area: String
    public var receivedAt: Date
    public var occurredAt: Date?
    public var title: String?
    public var text: String
    public var location: String?
    public var reporter: ReporterBody?
    public var injured: Int?
    public var ongoing: Bool?
    public var category: String?
    public var phase: String?
    public var actor: String
    public var transport: String
    /// What the classifier made of the report when it arrived.
    public var classification: Classification?

    enum CodingKeys: String, CodingKey {
        case id, area, title, text, location, reporter, injured, ongoing, category, phase, actor, transport
        case classification
        case incidentID = "incident_id"
        case receivedAt = "received_at"
        case occurredAt = "occurred_at"
    }

    /// The API form of a report.
    public init(_ report: Report) {
        id = report.id.rawValue
        incidentID = report.incidentID.rawValue
        area = report.areaID
        receivedAt = report.receivedAt
        occurredAt = report.occurredAt
        title = report.title
        text = report.text
        location = report.location
        reporter = report.reporter.map { ReporterBody(name: $0.name, contact: $0.contact) }
        injured = report.injured
        ongoing = report.ongoing
        category = report.category?.rawValue
        phase = report.phase?.rawValue
        actor = report.actor.rawValue
        transport = report.transport.rawValue
        classification = report.classification
    }
}

/// A timeline event as the API shows it.
public struct EventBody: Codable, Sendable, Hashable {
    public var seq: Int64
    public var id: String
    public var at: Date
    public var incidentID: String?
    public var actor: String
    public var kind: String
    public var data: [String: JSONValue]

    enum CodingKeys: String, CodingKey {
        case seq, id, at, actor, kind, data
        case incidentID = "incident_id"
    }

    /// The API form of an event.
    public init(_ event: TimelineEvent) {
        seq = event.sequence
        id = event.id.rawValue
        at = event.at
        incidentID = event.incidentID?.rawValue
        actor = event.actor.rawValue
        kind = event.kind.rawValue
        data = event.data
    }
}

/// An area as the API shows it.
public struct AreaBody: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var city: String
    public var neighbours: [String]
    public var active: Bool

    /// The API form of an area.
    public init(_ area: Area) {
        id = area.id
        name = area.name
        city = area.city
        neighbours = area.neighbours
        active = area.active
    }
}

/// `201` answer to `POST /v1/reports`: the incident, the stored report and the timeline events
/// this report caused.
public struct ReportCreatedBody: Codable, Sendable, Hashable {
    public var incident: IncidentBody
    public var report: ReportBody
    public var timeline: [EventBody]

    /// Creates the body.
    public init(incident: IncidentBody, report: ReportBody, timeline: [EventBody]) {
        self.incident = incident
        self.report = report
        self.timeline = timeline
    }
}

/// Answer to a change of an incident: its new state and the events the change wrote.
public struct IncidentChangeBody: Codable, Sendable, Hashable {
    public var incident: IncidentBody
    public var events: [EventBody]

    /// Creates the body.
    public init(incident: IncidentBody, events: [EventBody]) {
        self.incident = incident
        self.events = events
    }
}

/// Answer to `POST /v1/incidents/{id}/split`: the incident as left, the one split off, and the
/// events both got.
public struct SplitBody: Codable, Sendable, Hashable {
    public var incident: IncidentBody
    public var newIncident: IncidentBody
    public var events: [EventBody]

    enum CodingKeys: String, CodingKey {
        case incident, events
        case newIncident = "new_incident"
    }

    /// Creates the body.
    public init(incident: IncidentBody, newIncident: IncidentBody, events: [EventBody]) {
        self.incident = incident
        self.newIncident = newIncident
        self.events = events
    }
}

/// One page of a list: `{"items": [...], "next_cursor": "..." | null}`.
public struct PageBody<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    /// Creates a page body.
    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        // Always present, null on the last page, so clients can loop on it.
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// `GET /healthz` and `GET /readyz`.
public struct HealthBody: Codable, Sendable, Hashable {
    public var status: String
    public var checks: [String: String]?

    /// Creates the body.
    public init(status: String, checks: [String: String]? = nil) {
        self.status = status
        self.checks = checks
    }
}
