import DeskCore
import Foundation

/// An incident as the API shows it.
public struct IncidentBody: Codable, Sendable, Hashable, JSONWritable {
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
    public var classification: EmbeddedJSON<Classification>?
    /// The language of the report that set the phase (ISO 639, `und` when unsure), from its classification.
    public var language: String?
    /// The languages of all its reports (ISO 639, sorted): what `?language=` matches.
    public var languages: [String]
    /// Why it needs review, when a reader of a language is wanted (`needs someone who reads Somali`).
    public var reviewReason: String?
    public var lastReportAt: Date
    /// Present on `GET /v1/incidents/{id}` only.
    public var reports: [ReportBody]?

    enum CodingKeys: String, CodingKey {
        case id, area, title, phase, category, severity, status, outcome, reports, classification, language, languages
        case needsReview = "needs_review"
        case reviewReason = "review_reason"
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
        classification = incident.classification.map { EmbeddedJSON(json: $0.json) }
        language = incident.classification?.language
        languages = incident.languages
        reviewReason = incident.needsReview ? incident.classification?.reviewReason : nil
        lastReportAt = incident.lastReportAt
        self.reports = reports?.map(ReportBody.init)
    }

    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("id", id)
            json.member("area", area)
            json.member("title", title)
            json.member("phase", phase)
            if let category { json.member("category", category) }
            if let severity { json.member("severity", severity) }
            json.member("status", status)
            json.member("opened_at", time: openedAt)
            json.member("updated_at", time: updatedAt)
            if let closedAt { json.member("closed_at", time: closedAt) }
            if let outcome { json.member("outcome", outcome) }
            json.member("report_count", reportCount)
            json.member("needs_review", needsReview)
            if let reviewReason { json.member("review_reason", reviewReason) }
            if let language { json.member("language", language) }
            json.key("languages")
            json.array(languages) { json, code in json.value(code) }
            if let classification { json.member("classification", classification) }
            json.member("last_report_at", time: lastReportAt)
            if let reports { json.member("reports", reports) }
        }
    }
}

/// A stored report as the API shows it: what the reporter said, in its wire form
/// (`ReportFieldsBody`, members flattened in), and what the desk recorded.
@dynamicMemberLookup
public struct ReportBody: Codable, Sendable, Hashable, JSONWritable {
    public var id: String
    public var incidentID: String
    public var receivedAt: Date
    public var actor: String
    public var transport: String
    /// What the classifier made of the report when it arrived.
    public var classification: EmbeddedJSON<Classification>?
    /// The report's language (ISO 639, `und` when unsure), from its classification.
    public var language: String?
    /// What the reporter said.
    public var fields: ReportFieldsBody

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, actor, transport, classification, language
        case incidentID = "incident_id"
        case receivedAt = "received_at"
    }

    /// The API form of a report.
    public init(_ report: Report) {
        id = report.id.rawValue
        incidentID = report.incidentID.rawValue
        receivedAt = report.receivedAt
        actor = report.actor.rawValue
        transport = report.transport.rawValue
        classification = report.classification.map { EmbeddedJSON(json: $0.json) }
        language = report.classification?.language
        fields = ReportFieldsBody(report.fields)
    }

    /// A member of what the reporter said: `report.text`, `report.reporter`.
    public subscript<Member>(dynamicMember member: KeyPath<ReportFieldsBody, Member>) -> Member {
        fields[keyPath: member]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        incidentID = try container.decode(String.self, forKey: .incidentID)
        receivedAt = try container.decode(Date.self, forKey: .receivedAt)
        actor = try container.decode(String.self, forKey: .actor)
        transport = try container.decode(String.self, forKey: .transport)
        classification = try container.decodeIfPresent(EmbeddedJSON<Classification>.self, forKey: .classification)
        language = try container.decodeIfPresent(String.self, forKey: .language)
        fields = try ReportFieldsBody(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(incidentID, forKey: .incidentID)
        try container.encode(receivedAt, forKey: .receivedAt)
        try container.encode(actor, forKey: .actor)
        try container.encode(transport, forKey: .transport)
        try container.encodeIfPresent(classification, forKey: .classification)
        try container.encodeIfPresent(language, forKey: .language)
        try fields.encode(to: encoder)
    }

    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("id", id)
            json.member("incident_id", incidentID)
            json.member("received_at", time: receivedAt)
            json.member("actor", actor)
            json.member("transport", transport)
            if let classification { json.member("classification", classification) }
            if let language { json.member("language", language) }
            fields.writeMembers(to: &json)
        }
    }
}

/// A timeline event as the API shows it.
public struct EventBody: Codable, Sendable, Hashable, JSONWritable {
    public var seq: Int64
    public var id: String
    public var at: Date
    public var incidentID: String?
    public var actor: String
    public var kind: String
    public var data: EventData

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

    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("seq", seq)
            json.member("id", id)
            json.member("at", time: at)
            if let incidentID { json.member("incident_id", incidentID) }
            json.member("actor", actor)
            json.member("kind", kind)
            json.key("data")
            json.raw(data.json)
        }
    }
}

/// An area as the API shows it.
public struct AreaBody: Codable, Sendable, Hashable, JSONWritable {
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

    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("id", id)
            json.member("name", name)
            json.member("city", city)
            json.key("neighbours")
            json.array(neighbours) { json, neighbour in json.value(neighbour) }
            json.member("active", active)
        }
    }
}

/// `201` answer to `POST /v1/reports`: the incident, the stored report and the timeline events
/// this report caused.
public struct ReportCreatedBody: Codable, Sendable, Hashable, JSONWritable {
    public var incident: IncidentBody
    public var report: ReportBody
    public var timeline: [EventBody]

    /// Creates the body.
    public init(incident: IncidentBody, report: ReportBody, timeline: [EventBody]) {
        self.incident = incident
        self.report = report
        self.timeline = timeline
    }

    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("incident", incident)
            json.member("report", report)
            json.member("timeline", timeline)
        }
    }
}

/// Answer to a change of an incident: its new state and the events the change wrote.
public struct IncidentChangeBody: Codable, Sendable, Hashable, JSONWritable {
    public var incident: IncidentBody
    public var events: [EventBody]

    /// Creates the body.
    public init(incident: IncidentBody, events: [EventBody]) {
        self.incident = incident
        self.events = events
    }

    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("incident", incident)
            json.member("events", events)
        }
    }
}

/// Answer to `POST /v1/incidents/{id}/split`: the incident as left, the one split off, and the
/// events both got.
public struct SplitBody: Codable, Sendable, Hashable, JSONWritable {
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

    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("incident", incident)
            json.member("new_incident", newIncident)
            json.member("events", events)
        }
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

extension PageBody: JSONWritable where Item: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("items", items)
            json.member("next_cursor", nextCursor)
        }
    }
}

/// `GET /healthz` and `GET /readyz`.
public struct HealthBody: Codable, Sendable, Hashable, JSONWritable {
    public var status: String
    public var checks: [String: String]?

    /// Creates the body.
    public init(status: String, checks: [String: String]? = nil) {
        self.status = status
        self.checks = checks
    }

    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("status", status)
            if let checks {
                json.key("checks")
                json.object { json in
                    for key in checks.keys.sorted() { json.member(key, checks[key]) }
                }
            }
        }
    }
}
