/// The outcome of a decision about an incident: its new state and the events that record why.
public struct IncidentUpdate: Sendable, Hashable {
    public var incident: Incident
    public var events: [TimelineEvent]

    /// Creates an update.
    public init(incident: Incident, events: [TimelineEvent]) {
        self.incident = incident
        self.events = events
    }
}
