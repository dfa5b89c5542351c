import DeskCore

/// What the API does with each command's effects once they are durable, before the command's
/// request is answered: forgets remembered token and responder checks when those changed, counts
/// the events for `/metrics` and hands them to the console's live streams.
///
/// Made before the desk (its observer goes into the command runner), with the `AccessMemory` the
/// access control made after the desk reads (the token authority writes through the runner).
public final class APIEffects: Sendable {
    private let metrics: DeskMetrics
    private let events: EventHub
    private let access: AccessMemory

    /// Kinds after which a remembered token or responder check may be wrong.
    static let accessKinds: Set<EventKind> = [
        .tokenCreated, .tokenRevoked, .responderAdded, .responderUpdated, .rosterImported,
    ]

    /// Publishes into `metrics` and `events`, and empties `access` after a token or responder write.
    public init(metrics: DeskMetrics, events: EventHub, access: AccessMemory) {
        self.metrics = metrics
        self.events = events
        self.access = access
    }

    /// Handles one command's effects.
    public func observe(_ effects: CommandEffects) {
        if effects.events.contains(where: { Self.accessKinds.contains($0.kind) }) {
            access.invalidate()
        }
        for (incident, group) in effects.eventsByIncident {
            if let incident { metrics.record(group, incident: incident) }
            metrics.record(duty: group)
            events.publish(group, area: incident?.areaID)
        }
        if !effects.attempts.isEmpty { metrics.record(deliveries: effects.attempts) }
    }
}
