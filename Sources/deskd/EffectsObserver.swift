import DeskAPI
import DeskCore
import DeskSystemd
import Logging

/// What deskd does with each command's effects once they are durable: the API's part (access
/// caches, metrics, live streams), the journal, and waking the duty timers.
struct EffectsObserver: Sendable {
    let logger: Logger
    let api: APIEffects
    /// The duty timers' wake-up, shared with `DeskTimersService`.
    let timers: Wakeup

    /// The observer to hand the command runner.
    var observer: CommandObserver {
        let incidentLog = IncidentEventLog(logger: logger)
        let dutyLog = DutyEventLog(logger: logger)
        return { [api, timers] effects in
            api.observe(effects)
            for (incident, group) in effects.eventsByIncident {
                if let incident { incidentLog.record(group, incident: incident) }
                // Call-outs, follow-ups, rosters and tokens: everything the incident log does not name.
                dutyLog.record(group.filter { IncidentEventLog.message(for: $0.kind) == nil })
            }
            if !effects.attempts.isEmpty { dutyLog.record(effects.attempts) }
            // A new or changed incident may need people: run the duty timers now.
            if !effects.incidents.isEmpty { timers.signal() }
        }
    }
}
