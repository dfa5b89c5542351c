import DeskAPI
import DeskCore
import Foundation
import Logging
import ServiceLifecycle

/// Verifies the timeline's hash chain at a fixed interval, so that a broken chain is noticed
/// without anyone running `deskctl verify`: the result goes to `/metrics`
/// (`deskd_chain_last_verification_intact`, watched by the shipped alert rules) and a broken chain
/// to the journal at `critical`.
///
/// The first check waits `firstDelay` after start, so that start-up (and a `deskctl verify` run
/// right after it) is not met by a check already running; verification is one at a time, and a
/// check that finds another running is skipped until the next interval.
final class ChainCheckService: Service {
    /// How often the chain is verified.
    static let interval: Duration = .seconds(6 * 3600)
    /// How long after start the first check runs.
    static let firstDelay: Duration = .seconds(10 * 60)

    private let records: TimelineRecords
    private let metrics: DeskMetrics
    private let logger: Logger

    init(records: TimelineRecords, metrics: DeskMetrics, logger: Logger) {
        self.records = records
        self.metrics = metrics
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            try? await Task.sleep(for: Self.firstDelay)
            while !Task.isCancelled {
                await self.check()
                try? await Task.sleep(for: Self.interval)
            }
        }
    }

    private func check() async {
        do {
            let verification = try await records.verify()
            metrics.record(verification, at: Date())
            if let broken = verification.broken {
                logger.critical(
                    "the timeline's hash chain is broken at event \(broken.sequence): \(broken.reason)",
                    metadata: ["DESK_EVENT": "chain.broken", "DESK_CHAIN_SEQ": "\(broken.sequence)"])
            } else {
                logger.info("timeline chain verified: \(verification.events) events intact")
            }
        } catch DeskError.conflict(.verificationRunning) {
            logger.info("timeline chain check skipped: another verification is running")
        } catch {
            logger.error("could not verify the timeline's hash chain: \(error)")
        }
    }
}
