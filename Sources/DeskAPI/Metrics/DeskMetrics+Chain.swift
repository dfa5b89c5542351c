import DeskCore
import Foundation
import Prometheus

/// The timeline chain check as metrics: every verification deskd runs (its own periodic one and
/// `GET /v1/verify`) is counted, and the last one's time and result are kept for alerting.
extension DeskMetrics {
    /// Records a finished verification at `time`: intact when no link is broken and the anchor,
    /// if one was given, is still on the chain.
    public func record(_ verification: TimelineVerification, at time: Date) {
        let intact = verification.verified
        verifications(intact ? "intact" : "broken").increment()
        registry.makeGauge(
            name: "deskd_chain_last_verification_timestamp_seconds",
            help: "When the timeline's hash chain was last verified (Unix time); absent until the first check."
        ).set(time.timeIntervalSince1970)
        registry.makeGauge(
            name: "deskd_chain_last_verification_intact",
            help: "1 when the last verification found the chain intact, 0 when it found it broken."
        ).set(intact ? 1.0 : 0.0)
    }

    func verifications(_ result: String) -> Counter {
        registry.makeCounter(
            name: "deskd_chain_verifications_total", labels: [("result", result)],
            help: "Verifications of the timeline's hash chain, by result (intact or broken).")
    }
}
