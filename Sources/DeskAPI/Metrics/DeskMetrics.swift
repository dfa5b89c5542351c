import DeskCore
import Foundation
import Prometheus
import Synchronization

/// The desk's Prometheus metrics: what happened (counters, from stored timeline events) and how
/// things stand (gauges, refreshed at each scrape). Served at `GET /metrics`.
///
/// Request latency comes from Hummingbird's `MetricsMiddleware` through swift-metrics, once
/// deskd bootstraps the metrics system with a factory on this registry.
public final class DeskMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let databaseBytes: @Sendable () -> Int?
    private let writeQueue: @Sendable () -> WriteQueueStats?
    /// Receivers with outbox gauges: set to 0 when nothing of theirs is pending, not left stale.
    let knownReceivers = Mutex<Set<String>>([])
    /// The `outcome` label of `deskd_notification_attempts_total`.
    static let attemptOutcomes = ["delivered", "retry", "gave_up"]

    /// Creates the metrics on `registry`; `databaseBytes` measures the database files and
    /// `writeQueue` reads the group-commit figures, if known.
    public init(
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        databaseBytes: @escaping @Sendable () -> Int? = { nil },
        writeQueue: @escaping @Sendable () -> WriteQueueStats? = { nil }
    ) {
        self.registry = registry
        self.databaseBytes = databaseBytes
        self.writeQueue = writeQueue
        registerCounters()
    }

    /// Makes the counters whose labels are known in advance exist at 0 from the start: a series
    /// that appears only with its first increment hides that increment from `increase()` and
    /// `rate()`, and an alert or a panel naming it would find nothing until then.
    private func registerCounters() {
        let transports: [Transport] = [.tcp, .unix, .internalSource, .sms]
        for phase in Phase.allCases {
            for transport in transports { _ = reportsReceived(transport.rawValue, phase.rawValue) }
            _ = incidentsOpened(phase.rawValue)
            for by in ["report", "person"] { _ = phaseChanges(phase.rawValue, by) }
        }
        let callOutStates: [EventKind] = [
            .callOutCreated, .callOutAcknowledged, .callOutDeclined, .callOutEscalated, .callOutExpired,
            .callOutCancelled, .callOutNotified,
        ]
        for kind in callOutStates { _ = callOutTransitions(kind) }
        _ = unstaffed()
        _ = followUpsEscalated()
        _ = joins()
        _ = confirmations()
        _ = splits()
        for result in ["intact", "broken"] { _ = verifications(result) }
    }

    /// Counts every webhook delivery attempt by receiver and outcome (`delivered`, `retry`, `gave_up`).
    public func record(deliveries attempts: [DeliveryAttempt]) {
        for attempt in attempts {
            let outcome: String
            switch attempt.outcome {
            case .delivered: outcome = "delivered"
            case .willRetry: outcome = "retry"
            case .gaveUp: outcome = "gave_up"
            }
            attemptCounter(attempt.receiver, outcome).increment()
        }
    }

    /// Counts call-outs by the state reached, escalations and unstaffed incidents.
    public func record(duty events: [TimelineEvent]) {
        for event in events {
            switch event.kind {
            case .callOutCreated, .callOutAcknowledged, .callOutDeclined, .callOutEscalated, .callOutExpired,
                .callOutCancelled, .callOutNotified:
                callOutTransitions(event.kind).increment()
            case .incidentUnstaffed:
                unstaffed().increment()
            case .followUpEscalated:
                followUpsEscalated().increment()
            default:
                continue
            }
        }
    }

    /// Counts what the stored `events` record.
    public func record(_ events: [TimelineEvent], incident: Incident) {
        for event in events {
            switch event.kind {
            case .reportReceived:
                let phase = event.data["classified_as"]?.stringValue ?? incident.phase.rawValue
                reportsReceived(event.data["transport"]?.stringValue ?? "unknown", phase).increment()
            case .incidentOpened:
                incidentsOpened(incident.phase.rawValue).increment()
            case .reportJoined:
                joins().increment()
            case .phaseChanged:
                phaseChanges(event.data["to"]?.stringValue ?? "unknown", by(event)).increment()
            case .classificationConfirmed:
                confirmations().increment()
            case .incidentSplit:
                splits().increment()
            default:
                continue
            }
        }
    }

    private func reportsReceived(_ transport: String, _ phase: String) -> Counter {
        registry.makeCounter(
            name: "deskd_reports_received_total", labels: [("transport", transport), ("phase", phase)],
            help: "Reports stored, by transport and by the phase they were classified in.")
    }

    private func incidentsOpened(_ phase: String) -> Counter {
        registry.makeCounter(
            name: "deskd_incidents_opened_total", labels: [("phase", phase)], help: "Incidents opened, by phase.")
    }

    private func phaseChanges(_ phase: String, _ by: String) -> Counter {
        registry.makeCounter(
            name: "deskd_phase_changes_total", labels: [("to", phase), ("by", by)],
            help: "Phase moves, by new phase and by who moved it (report or person).")
    }

    private func callOutTransitions(_ kind: EventKind) -> Counter {
        registry.makeCounter(
            name: "deskd_callout_transitions_total",
            labels: [("to", String(kind.rawValue.dropFirst("callout.".count)))],
            help: "Call-outs created and moved on, by the state reached.")
    }

    private func unstaffed() -> Counter {
        registry.makeCounter(
            name: "deskd_incidents_unstaffed_total", help: "Times nobody at all could be found for a role.")
    }

    private func followUpsEscalated() -> Counter {
        registry.makeCounter(
            name: "deskd_followups_escalated_total", help: "Overdue follow-ups handed to a coordinator.")
    }

    private func joins() -> Counter {
        registry.makeCounter(name: "deskd_reports_joined_total", help: "Reports that joined an open incident.")
    }

    private func confirmations() -> Counter {
        registry.makeCounter(
            name: "deskd_classifications_confirmed_total", help: "Classifications a duty officer confirmed.")
    }

    private func splits() -> Counter {
        registry.makeCounter(name: "deskd_incident_splits_total", help: "Wrong joins undone.")
    }

    private func by(_ event: TimelineEvent) -> String {
        event.data["by"]?.stringValue == "report" ? "report" : "person"
    }

    /// Names this deskd among several on one database: `deskd_instance_info{name="…"} 1`.
    public func identify(instance: String) {
        registry.makeGauge(
            name: "deskd_instance_info", labels: [("name", instance)],
            help: "This deskd's name ([server] instance, or the host's name); always 1."
        ).set(1.0)
    }

    /// Sets the gauges from the current state.
    public func refresh(_ summary: OpenIncidentSummary) {
        for phase in Phase.allCases {
            registry.makeGauge(
                name: "deskd_open_incidents", labels: [("phase", phase.rawValue)], help: "Open incidents, by phase."
            ).set(Double(summary.byPhase[phase] ?? 0))
        }
        registry.makeGauge(
            name: "deskd_incidents_awaiting_review", help: "Open incidents whose classification awaits confirmation."
        ).set(Double(summary.needingReview))
        if let bytes = databaseBytes() {
            registry.makeGauge(name: "deskd_database_bytes", help: "Size of the database files (with the WAL).")
                .set(Double(bytes))
        }
        if let queue = writeQueue() {
            // Gauges set from the writer's running totals (Prometheus counters cannot be set).
            let figures: [(String, Int, String)] = [
                ("deskd_write_batches", queue.batches, "Group-commit transactions committed since start."),
                ("deskd_writes_committed", queue.committed, "Writes committed since start (all batches)."),
                ("deskd_writes_refused", queue.refused, "Writes refused with 503 because the queue was full."),
                ("deskd_writes_waiting", queue.waiting, "Writes waiting for the disk now."),
                ("deskd_write_largest_batch", queue.largestBatch, "The most writes one transaction has carried."),
                (
                    "deskd_write_batches_rerun", queue.rerun,
                    "Batches run again one write at a time because their pipelined attempt failed (PostgreSQL)."
                ),
                (
                    "deskd_write_queue_capacity", queue.capacity,
                    "Writes that may wait before new ones are refused ([storage] write_queue)."
                ),
            ]
            for (name, value, help) in figures {
                registry.makeGauge(name: name, help: help).set(Double(value))
            }
        }
    }

    /// The Prometheus text exposition of every metric.
    public func text() -> String { registry.emitToString() }
}
