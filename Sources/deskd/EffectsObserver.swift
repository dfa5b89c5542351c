import DeskAPI
import DeskCore
import DeskSystemd
import Logging
import Synchronization

/// What deskd does with each command's effects once they are durable: the journal, the metrics,
/// the console's live streams, the duty timers, and forgetting remembered access checks when
/// tokens or responders changed (before the write is answered).
struct EffectsObserver: Sendable {
    let logger: Logger
    let metrics: DeskMetrics
    let events: EventHub
    let nudge: TimerNudge
    let access: Late<AccessControl>

    /// Kinds after which a remembered token or responder check may be wrong.
    static let accessKinds: Set<EventKind> = [
        .tokenCreated, .tokenRevoked, .responderAdded, .responderUpdated, .rosterImported,
    ]

    /// The observer to hand the command runner.
    var observer: CommandObserver {
        let incidentLog = IncidentEventLog(logger: logger)
        let dutyLog = DutyEventLog(logger: logger)
        return { [metrics, events, nudge, access] effects in
            if effects.events.contains(where: { Self.accessKinds.contains($0.kind) }) { access.value?.invalidate() }
            for (incident, group) in effects.eventsByIncident {
                if let incident {
                    incidentLog.record(group, incident: incident)
                    metrics.record(group, incident: incident)
                }
                // Call-outs, follow-ups, rosters and tokens: everything the incident log does not name.
                dutyLog.record(group.filter { IncidentEventLog.message(for: $0.kind) == nil })
                metrics.record(duty: group)
                events.publish(group, area: incident?.areaID)
            }
            if !effects.attempts.isEmpty {
                dutyLog.record(effects.attempts)
                metrics.record(deliveries: effects.attempts)
            }
            // A new or changed incident may need people: run the duty timers now.
            if !effects.incidents.isEmpty { nudge.fire() }
        }
    }
}

/// A value set once after it is needed (the access control is made after the desk whose observer
/// uses it); nil until then.
final class Late<Value: Sendable>: Sendable {
    private let slot = Mutex<Value?>(nil)

    /// Sets the value.
    func set(_ value: Value) { slot.withLock { $0 = value } }

    /// The value, once set.
    var value: Value? { slot.withLock { $0 } }
}
