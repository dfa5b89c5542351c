import DeskCore
import Foundation

/// `POST /v1/reports`: a duty officer's report — the wire form of `ReportFields`, what the reporter
/// says; also the reporter's part of every report the API shows (`ReportBody`).
public struct ReportFieldsBody: StrictBody, Codable, Sendable, Hashable {
    public var area: String
    public var text: String
    public var title: String?
    public var occurredAt: Date?
    public var location: String?
    public var reporter: ReporterBody?
    public var injured: Int?
    public var ongoing: Bool?
    public var category: Category?
    public var phase: Phase?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case area, text, title, location, reporter, injured, ongoing, category, phase
        case occurredAt = "occurred_at"
    }

    /// The members a client may send, by JSON pointer of the object that holds them.
    public static let allowedMembers: [String: Set<String>] = [
        "": CodingKeys.wireNames,
        "/reporter": ReporterBody.CodingKeys.wireNames,
    ]

    /// Creates a request.
    public init(
        area: String, text: String, title: String? = nil, occurredAt: Date? = nil, location: String? = nil,
        reporter: ReporterBody? = nil, injured: Int? = nil, ongoing: Bool? = nil, category: Category? = nil,
        phase: Phase? = nil
    ) {
        self.area = area
        self.text = text
        self.title = title
        self.occurredAt = occurredAt
        self.location = location
        self.reporter = reporter
        self.injured = injured
        self.ongoing = ongoing
        self.category = category
        self.phase = phase
    }

    /// The wire form of `fields`.
    public init(_ fields: ReportFields) {
        self.init(
            area: fields.area, text: fields.text, title: fields.title, occurredAt: fields.occurredAt,
            location: fields.location,
            reporter: fields.reporterName == nil && fields.reporterContact == nil
                ? nil : ReporterBody(name: fields.reporterName, contact: fields.reporterContact),
            injured: fields.injured, ongoing: fields.ongoing, category: fields.category, phase: fields.phase)
    }

    /// The domain form: what the reporter says.
    public var fields: ReportFields {
        ReportFields(
            area: area, text: text, title: title, occurredAt: occurredAt, location: location,
            reporterName: reporter?.name, reporterContact: reporter?.contact, injured: injured, ongoing: ongoing,
            category: category, phase: phase)
    }

    /// Writes the members (of an object the caller opened), as `Codable` encodes them.
    public func writeMembers(to json: inout JSONWriter) {
        json.member("area", area)
        json.member("text", text)
        if let title { json.member("title", title) }
        if let occurredAt { json.member("occurred_at", time: occurredAt) }
        if let location { json.member("location", location) }
        if let reporter {
            json.key("reporter")
            json.object { json in
                if let name = reporter.name { json.member("name", name) }
                if let contact = reporter.contact { json.member("contact", contact) }
            }
        }
        if let injured { json.member("injured", injured) }
        if let ongoing { json.member("ongoing", ongoing) }
        if let category { json.member("category", category.rawValue) }
        if let phase { json.member("phase", phase.rawValue) }
    }
}

/// Who reported, as they wish to be reached.
public struct ReporterBody: Codable, Sendable, Hashable {
    public var name: String?
    public var contact: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, contact
    }

    /// Creates a reporter body.
    public init(name: String?, contact: String?) {
        self.name = name
        self.contact = contact
    }
}

/// `POST /v1/incidents/{id}/notes`.
public struct NoteRequest: StrictBody, Codable, Sendable, Hashable {
    public var text: String
    enum CodingKeys: String, CodingKey, CaseIterable { case text }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]
    /// Creates a request.
    public init(text: String) { self.text = text }
}

/// `POST /v1/incidents/{id}/phase`.
public struct PhaseChangeRequest: StrictBody, Codable, Sendable, Hashable {
    public var phase: String
    public var reason: String
    enum CodingKeys: String, CodingKey, CaseIterable { case phase, reason }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]
    /// Creates a request.
    public init(phase: String, reason: String) {
        self.phase = phase
        self.reason = reason
    }
}

/// `POST /v1/incidents/{id}/close`.
public struct CloseRequest: StrictBody, Codable, Sendable, Hashable {
    public var outcome: String
    enum CodingKeys: String, CodingKey, CaseIterable { case outcome }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]
    /// Creates a request.
    public init(outcome: String) { self.outcome = outcome }
}

/// `POST /v1/incidents/{id}/reopen`.
public struct ReopenRequest: StrictBody, Codable, Sendable, Hashable {
    public var reason: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case reason }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]
    /// Creates a request.
    public init(reason: String?) { self.reason = reason }
}

/// `POST /v1/classify`: a dry run of the classifier on a report's text and fields.
public struct ClassifyRequest: StrictBody, Codable, Sendable, Hashable {
    public var text: String
    public var title: String?
    /// `sv` or `en`: apply only that language's rules; omit to let the classifier guess.
    public var lang: String?
    public var occurredAt: Date?
    public var injured: Int?
    public var ongoing: Bool?
    public var category: String?
    public var phase: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case text, title, lang, injured, ongoing, category, phase
        case occurredAt = "occurred_at"
    }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]

    /// Creates a request.
    public init(
        text: String, title: String? = nil, lang: String? = nil, occurredAt: Date? = nil, injured: Int? = nil,
        ongoing: Bool? = nil, category: String? = nil, phase: String? = nil
    ) {
        self.text = text
        self.title = title
        self.lang = lang
        self.occurredAt = occurredAt
        self.injured = injured
        self.ongoing = ongoing
        self.category = category
        self.phase = phase
    }
}

/// `POST /v1/incidents/{id}/confirm`: confirm the phase, or correct it.
public struct ConfirmRequest: StrictBody, Codable, Sendable, Hashable {
    public var phase: String?
    public var note: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case phase, note }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]
    /// Creates a request.
    public init(phase: String? = nil, note: String? = nil) {
        self.phase = phase
        self.note = note
    }
}

/// `POST /v1/incidents/{id}/split`: move a wrongly joined report to an incident of its own.
public struct SplitRequest: StrictBody, Codable, Sendable, Hashable {
    public var reportID: String
    public var reason: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case reason
        case reportID = "report_id"
    }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]
    /// Creates a request.
    public init(reportID: String, reason: String) {
        self.reportID = reportID
        self.reason = reason
    }
}

/// `POST /v1/backups`: take a consistent online backup, named.
public struct BackupRequest: StrictBody, Codable, Sendable, Hashable {
    public var name: String
    enum CodingKeys: String, CodingKey, CaseIterable { case name }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]
    /// Creates a request.
    public init(name: String) { self.name = name }
}
