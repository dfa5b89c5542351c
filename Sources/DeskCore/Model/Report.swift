import Foundation

/// Who submitted a report, as they gave it. Personal data: kept minimal and purgeable.
public struct Reporter: Sendable, Hashable, Codable {
    public var name: String?
    public var contact: String?

    /// Creates a reporter.
    public init(name: String?, contact: String?) {
        self.name = name
        self.contact = contact
    }
}

/// One account from one reporter, as stored. Immutable once stored.
public struct Report: Sendable, Hashable, Codable {
    public var id: DeskID
    public var incidentID: DeskID
    public var areaID: String
    public var receivedAt: Date
    public var occurredAt: Date?
    public var title: String?
    public var text: String
    public var location: String?
    public var reporter: Reporter?
    public var injured: Int?
    public var ongoing: Bool?
    /// The category the reporter gave, if any.
    public var category: Category?
    /// The phase the reporter gave, if any.
    public var phase: Phase?
    public var actor: Actor
    public var transport: Transport
    /// What the classifier made of this report when it arrived.
    public var classification: Classification?

    /// Creates a report.
    public init(
        id: DeskID, incidentID: DeskID, areaID: String, receivedAt: Date, occurredAt: Date?, title: String?,
        text: String, location: String?, reporter: Reporter?, injured: Int?, ongoing: Bool?, category: Category?,
        phase: Phase?, actor: Actor, transport: Transport, classification: Classification? = nil
    ) {
        self.id = id
        self.incidentID = incidentID
        self.areaID = areaID
        self.receivedAt = receivedAt
        self.occurredAt = occurredAt
        self.title = title
        self.text = text
        self.location = location
        self.reporter = reporter
        self.injured = injured
        self.ongoing = ongoing
        self.category = category
        self.phase = phase
        self.actor = actor
        self.transport = transport
        self.classification = classification
    }
}
