import DeskCore
import Foundation
import Prometheus

/// The desk's Prometheus metrics: what happened (counters, from stored timeline events) and how
/// things stand (gauges, refreshed at each scrape). Served at `GET /metrics`.
///
/// Request latency comes from Hummingbird's `MetricsMiddleware` through swift-metrics, once
/// deskd bootstraps the metrics system with a factory on this registry.
public final class DeskMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let databaseBytes: @Sendable () -> Int?

    /// Creates the metrics on `registry`; `databaseBytes` measures the database files, if known.
    public init(
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        databaseBytes: @escaping @Sendable () -> Int? = { nil }
    ) {
        self.registry = registry
        self.databaseBytes = databaseBytes
    }

    /// Counts what the stored `events` record.
    public func record(_ events: [TimelineEvent], incident: Incident) {
        for event in events {
            switch event.kind {
            case .reportReceived:
                let phase = event.data["classified_as"]?.stringValue ?? incident.phase.rawValue
                registry.makeCounter(
                    name: "deskd_reports_received_total",
                    labels: [("transport", event.data["transport"]?.stringValue ?? "unknown"), ("phase", phase)],
                    help: "Reports stored, by transport and by the phase they were classified in."
                ).increment()
            case .incidentOpened:
                registry.makeCounter(
                    name: "deskd_incidents_opened_total", labels: [("phase", incident.phase.rawValue)],
                    help: "Incidents opened, by phase."
                ).increment()
            case .reportJoined:
                registry.makeCounter(
                    name: "deskd_reports_joined_total", help: "Reports that joined an open incident."
                ).increment()
            case .phaseChanged:
                registry.makeCounter(
                    name: "deskd_phase_changes_total",
                    labels: [("to", event.data["to"]?.stringValue ?? "unknown"), ("by", by(event))],
                    help: "Phase moves, by new phase and by who moved it (report or person)."
                ).increment()
            case .classificationConfirmed:
                registry.makeCounter(
                    name: "deskd_classifications_confirmed_total", help: "Classifications a duty officer confirmed."
                ).increment()
            case .incidentSplit:
                registry.makeCounter(name: "deskd_incident_splits_total", help: "Wrong joins undone.").increment()
            default:
                continue
            }
        }
    }

    private func by(_ event: TimelineEvent) -> String {
        event.data["by"]?.stringValue == "report" ? "report" : "person"
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
    }

    /// The Prometheus text exposition of every metric.
    public func text() -> String { registry.emitToString() }
}
