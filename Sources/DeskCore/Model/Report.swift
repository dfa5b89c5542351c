import Foundation

/// One account from one reporter, as stored: what the reporter said (`fields`) and what the desk
/// recorded on arrival. Immutable once stored (only a split moves it to another incident).
@dynamicMemberLookup
public struct Report: Sendable, Hashable {
    public var id: DeskID
    public var incidentID: DeskID
    public var receivedAt: Date
    public var actor: Actor
    public var transport: Transport
    /// What the classifier made of this report when it arrived.
    public var classification: StoredClassification?
    /// What the reporter said, validated.
    public var fields: ReportFields

    /// Creates a report.
    public init(
        id: DeskID, incidentID: DeskID, receivedAt: Date, actor: Actor, transport: Transport,
        classification: StoredClassification? = nil, fields: ReportFields
    ) {
        self.id = id
        self.incidentID = incidentID
        self.receivedAt = receivedAt
        self.actor = actor
        self.transport = transport
        self.classification = classification
        self.fields = fields
    }

    /// The area's id.
    public var areaID: String { fields.area }

    /// A field of what the reporter said: `report.text`, `report.injured`.
    public subscript<Value>(dynamicMember field: KeyPath<ReportFields, Value>) -> Value { fields[keyPath: field] }
}
