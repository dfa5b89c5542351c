import Foundation

/// Who acts and when: everything an event needs besides its kind and data.
public struct EventStamp: Sendable {
    public let actor: Actor
    public let at: Date
    let ids: IDGenerator

    /// Creates a stamp.
    public init(actor: Actor, at: Date, ids: IDGenerator) {
        self.actor = actor
        self.at = at
        self.ids = ids
    }

    /// A new event about `incident`.
    public func event(_ kind: EventKind, incident: DeskID?, data: [String: JSONValue]) -> TimelineEvent {
        TimelineEvent(id: ids.next(), at: at, incidentID: incident, actor: actor, kind: kind, data: EventData(data))
    }
}
