/// The outcome of a decision about an incident: its new state and the events that record why.
public struct IncidentUpdate: Sendable, Hashable {
    public var incident: Incident
    public var events: [TimelineEvent]
    /// A report that joins the incident, stored with the update.
    public var addedReport: Report?
    /// An incident split off this one: written with the update, and its report moved to it.
    public var splitOff: NewIncident?

    /// Creates an update.
    public init(
        incident: Incident, events: [TimelineEvent], addedReport: Report? = nil, splitOff: NewIncident? = nil
    ) {
        self.incident = incident
        self.events = events
        self.addedReport = addedReport
        self.splitOff = splitOff
    }
}
