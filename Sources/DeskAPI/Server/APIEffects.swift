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

    /// Whether live streams are fed from the stored timeline (`stored(_:)`) instead of from this
    /// process's effects: so when several deskd share one database, and every stream carries
    /// what every instance wrote, once and in sequence order.
    private let streamsFromTimeline: Bool

    /// Publishes into `metrics` and `events`, and empties `access` after a token or responder write.
    /// With `streamsFromTimeline`, the live streams and `access` also follow `stored(_:)`.
    public init(metrics: DeskMetrics, events: EventHub, access: AccessMemory, streamsFromTimeline: Bool = false) {
        self.metrics = metrics
        self.events = events
        self.access = access
        self.streamsFromTimeline = streamsFromTimeline
    }

    /// Handles events read from the stored timeline, in sequence order, whoever wrote them: any
    /// instance's token or responder change empties `access`, and the live streams get them.
    public func stored(_ stored: [TimelineEvent]) {
        guard streamsFromTimeline, !stored.isEmpty else { return }
        if stored.contains(where: { Self.accessKinds.contains($0.kind) }) { access.invalidate() }
        // Each stream looks an incident's area up itself when it must (`AreaFilter`).
        events.publish(stored, area: nil)
    }

    /// Handles one command's effects.
    public func observe(_ effects: CommandEffects) {
        if effects.events.contains(where: { Self.accessKinds.contains($0.kind) }) {
            access.invalidate()
        }
        for (incident, group) in effects.eventsByIncident {
            if let incident { metrics.record(group, incident: incident) }
            metrics.record(duty: group)
            if !streamsFromTimeline { events.publish(group, area: incident?.areaID) }
        }
        if !effects.attempts.isEmpty { metrics.record(deliveries: effects.attempts) }
    }
}
