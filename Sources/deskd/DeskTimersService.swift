import DeskCore
import DeskNotify
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the desk's timers: staffing, escalation, overdue follow-ups, webhook deliveries and the
/// hourly retention purge.
///
/// Wakes at once when nudged (a report or a change was stored) and at least every second
/// otherwise; all state is in the database, so stopping it at any point loses nothing.
final class DeskTimersService: Service {
    private let sender: DeliverySenders
    private let logger: Logger
    /// Signalled by the desk's observer when a report or a change was stored.
    private let wakeup: Wakeup
    private let deliveries = Wakeup()

    private let desk: Desk

    /// Runs the timers of `desk`, woken early by `wakeup` (the observer's), delivering through `sender`.
    init(desk: Desk, sender: DeliverySenders, wakeup: Wakeup, logger: Logger) {
        self.desk = desk
        self.wakeup = wakeup
        self.sender = sender
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            // Two loops, so that a slow or unreachable receiver never delays an escalation.
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await self.loop("duty timers", self.wakeup) { _ = try await self.desk.timers.runDueWork() }
                }
                group.addTask {
                    await self.loop("notification deliveries", self.deliveries) {
                        _ = try await self.desk.timers.deliverDue(using: self.sender)
                    }
                }
                // Hourly: expired idempotency keys, and the retention purge when a policy is configured.
                group.addTask {
                    await self.loop("retention purge", Wakeup(), every: .seconds(3600)) {
                        let expired = try await self.desk.timers.expireIdempotencyKeys()
                        if expired > 0 { self.logger.info("forgot \(expired) expired idempotency keys") }
                        guard self.desk.settings.current.retention.closedIncidentDays != nil else { return }
                        let texts = try await self.desk.timers.forgetOldTexts()
                        if texts > 0 { self.logger.info("retention forgot \(texts) texts (numbers and messages)") }
                        let summary = try await self.desk.retention.purge(dryRun: false, by: .desk)
                        if !summary.incidents.isEmpty {
                            self.logger.notice(
                                "retention purge erased the text of \(summary.incidents.count) closed incidents",
                                metadata: ["DESK_EVENT": "retention.purged", "reports": "\(summary.reports)"])
                        }
                        // The others were erased all the same; these are tried again next hour.
                        for failure in summary.failed {
                            self.logger.error(
                                "retention purge could not erase incident \(failure.incident): \(failure.reason)",
                                metadata: ["DESK_EVENT": "retention.failed", "DESK_INCIDENT": "\(failure.incident)"])
                        }
                    }
                }
            }
        }
        await sender.shutdown()
    }

    /// Runs `work` whenever `wakeup` fires and at least every second until cancelled; a failure
    /// is logged once and retried.
    private func loop(
        _ name: String, _ wakeup: Wakeup, every interval: Duration = .seconds(1),
        _ work: @Sendable () async throws -> Void
    ) async {
        var failing = false
        while !Task.isCancelled {
            do {
                try await work()
                if failing { logger.notice("\(name) running again") }
                failing = false
            } catch {
                if !failing { logger.error("\(name) failed, retrying every second: \(error)") }
                failing = true
            }
            // New call-outs usually have deliveries waiting.
            if wakeup === self.wakeup { deliveries.signal() }
            await wakeup.wait(upTo: interval)
        }
    }
}

/// A one-slot signal: `wait` returns when signalled (also if signalled before), after a timeout,
/// or when its task is cancelled.
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        var generation = 0
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    func wait(upTo timeout: Duration) async {
        let generation = state.withLock { state -> Int? in
            if state.pending {
                state.pending = false
                return nil
            }
            state.generation += 1
            return state.generation
        }
        guard let generation else { return }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.expire(generation)
        }
        // Cancellation (shutdown) ends the wait at once, whatever the timeout.
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || state.generation != generation || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.expire(generation)
        }
        timer.cancel()
    }

    /// Ends the wait of `generation` if it is still the current one.
    private func expire(_ generation: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.generation == generation else { return nil }
            state.generation += 1
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }
}
