import Foundation

/// One append-only record on the timeline: who did what, when, to which incident.
public struct TimelineEvent: Sendable, Hashable {
    /// Position in the global timeline, assigned by the store (0 before it is stored).
    public var sequence: Int64
    public var id: DeskID
    public var at: Date
    /// The incident it concerns; nil for desk-wide events.
    public var incidentID: DeskID?
    public var actor: Actor
    public var kind: EventKind
    /// Kind-specific facts, e.g. `{"from": "during", "to": "after", "reason": "…"}`.
    public var data: EventData

    /// Creates an event that the store has not numbered yet.
    public init(
        sequence: Int64 = 0, id: DeskID, at: Date, incidentID: DeskID?, actor: Actor, kind: EventKind,
        data: EventData
    ) {
        self.sequence = sequence
        self.id = id
        self.at = at
        self.incidentID = incidentID
        self.actor = actor
        self.kind = kind
        self.data = data
    }
}
