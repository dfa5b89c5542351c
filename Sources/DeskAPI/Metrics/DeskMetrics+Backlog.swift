import DeskCore
import Foundation
import Prometheus

/// The gauges the shipped alert rules watch (`examples/prometheus/deskd-alerts.yml`): readiness,
/// what the duty side has waiting, and how full the write queue is.
extension DeskMetrics {
    /// Sets `deskd_ready`: 1 when the database answered this scrape (as `GET /readyz`), else 0.
    /// While it is 0 the gauges read from the database keep their last values.
    public func refresh(ready: Bool) {
        registry.makeGauge(
            name: "deskd_ready", help: "1 when the database answered at this scrape (as GET /readyz), 0 when not."
        ).set(ready ? 1.0 : 0.0)
    }

    /// Sets the call-out, unstaffed and outbox gauges from `backlog`; a receiver seen before with
    /// nothing pending now is set to 0, not left at its last value.
    public func refresh(_ backlog: DutyBacklog) {
        registry.makeGauge(
            name: "deskd_callouts_awaiting_answer", help: "Call-outs waiting for an answer (pending or notified)."
        ).set(Double(backlog.callOutsAwaitingAnswer))
        registry.makeGauge(
            name: "deskd_callouts_past_answer_by",
            help: "Call-outs still waiting after their answer-by time (the escalation timer moves them on in seconds)."
        ).set(Double(backlog.callOutsPastAnswerBy))
        registry.makeGauge(
            name: "deskd_open_incidents_unstaffed",
            help: "Open incidents flagged unstaffed in their current phase (nobody at all could be called)."
        ).set(Double(backlog.unstaffedIncidents))
        let receivers = knownReceivers.withLock { known in
            known.formUnion(backlog.outbox.keys)
            return known
        }
        for receiver in receivers.sorted() {
            let figures = backlog.outbox[receiver]
            outboxPending(receiver).set(Double(figures?.pending ?? 0))
            outboxOldestAge(receiver).set(
                figures.map { max(0, backlog.measuredAt.timeIntervalSince($0.oldestCreatedAt)) } ?? 0)
        }
    }

    /// Makes every series of the configured `receivers` (attempts by outcome, outbox gauges) exist
    /// at 0 before anything happens, so that an alert on `increase(...)` sees the first failure.
    public func expect(receivers: [String]) {
        knownReceivers.withLock { $0.formUnion(receivers) }
        for receiver in receivers {
            for outcome in DeskMetrics.attemptOutcomes { _ = attemptCounter(receiver, outcome) }
            outboxPending(receiver).set(0.0)
            outboxOldestAge(receiver).set(0.0)
        }
    }

    func outboxPending(_ receiver: String) -> Gauge {
        registry.makeGauge(
            name: "deskd_outbox_pending", labels: [("receiver", receiver)],
            help: "Deliveries waiting in the outbox (a first attempt or a retry), by receiver.")
    }

    func outboxOldestAge(_ receiver: String) -> Gauge {
        registry.makeGauge(
            name: "deskd_outbox_oldest_pending_age_seconds", labels: [("receiver", receiver)],
            help: "Age of the oldest delivery still waiting in the outbox, by receiver (0 when none waits).")
    }

    func attemptCounter(_ receiver: String, _ outcome: String) -> Counter {
        registry.makeCounter(
            name: "deskd_notification_attempts_total", labels: [("receiver", receiver), ("outcome", outcome)],
            help: "Webhook delivery attempts, by receiver and outcome.")
    }
}
