import DeskCore
import Synchronization

/// What the API does with each command's effects once they are durable, before the command's
/// request is answered: forgets remembered token and responder checks when those changed, counts
/// the events for `/metrics` and hands them to the console's live streams.
///
/// Made before the desk (its observer goes into the command runner) and attached to the access
/// control once that exists (the token authority writes through the runner).
public final class APIEffects: Sendable {
    private let metrics: DeskMetrics
    private let events: EventHub
    private let access = Mutex<AccessControl?>(nil)

    /// Kinds after which a remembered token or responder check may be wrong.
    static let accessKinds: Set<EventKind> = [
        .tokenCreated, .tokenRevoked, .responderAdded, .responderUpdated, .rosterImported,
    ]

    /// Publishes into `metrics` and `events`.
    public init(metrics: DeskMetrics, events: EventHub) {
        self.metrics = metrics
        self.events = events
    }

    /// The access control whose caches a token or responder write invalidates.
    public func attach(_ access: AccessControl) { self.access.withLock { $0 = access } }

    /// Handles one command's effects.
    public func observe(_ effects: CommandEffects) {
        if effects.events.contains(where: { Self.accessKinds.contains($0.kind) }) {
            access.withLock { $0 }?.invalidate()
        }
        for (incident, group) in effects.eventsByIncident {
            if let incident { metrics.record(group, incident: incident) }
            metrics.record(duty: group)
            events.publish(group, area: incident?.areaID)
        }
        if !effects.attempts.isEmpty { metrics.record(deliveries: effects.attempts) }
    }
}
