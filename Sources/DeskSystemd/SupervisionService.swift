import Foundation
import Logging
import ServiceLifecycle

/// Keeps systemd informed while deskd runs: `STATUS=` kept current, `WATCHDOG=1` at half the
/// interval systemd asked for — but only after `check` proves the service works (a database round
/// trip), never from a bare timer — and `STOPPING=1` when shutdown begins.
public struct SupervisionService: Service {
    let notifier: SystemdNotifier
    let statusInterval: Duration
    let check: @Sendable () async throws -> Void
    let status: @Sendable () async -> String?
    let logger: Logger

    /// Creates the service. `check` throws when deskd cannot do its work; `status` gives the line.
    public init(
        notifier: SystemdNotifier = SystemdNotifier(), statusInterval: Duration = .seconds(15), logger: Logger,
        check: @escaping @Sendable () async throws -> Void, status: @escaping @Sendable () async -> String?
    ) {
        self.notifier = notifier
        self.statusInterval = statusInterval
        self.check = check
        self.status = status
        self.logger = logger
    }

    public func run() async throws {
        guard notifier.isSupervised else {
            // Nobody listens; still wait for shutdown so the group treats us like any service.
            try? await gracefulShutdown()
            return
        }
        let watchdog = notifier.watchdogInterval
        if let watchdog { logger.info("systemd watchdog enabled", metadata: ["interval": "\(watchdog)"]) }
        let tick = watchdog.map { min($0 / 2, statusInterval) } ?? statusInterval
        let clock = ContinuousClock()
        await withGracefulShutdownHandler {
            // Cancelled as soon as shutdown begins, so a sleeping loop never delays the exit.
            try? await cancelWhenGracefulShutdown {
                var nextStatus = clock.now
                while !Task.isCancelled {
                    if watchdog != nil {
                        do {
                            try await check()
                            notifier.watchdogPing()
                        } catch {
                            logger.error(
                                "watchdog check failed; not pinging systemd", metadata: ["error": "\(error)"])
                        }
                    }
                    if clock.now >= nextStatus, let line = await status() {
                        notifier.status(line)
                        nextStatus = clock.now.advanced(by: statusInterval)
                    }
                    try await Task.sleep(for: tick)
                }
            }
        } onGracefulShutdown: {
            notifier.stopping()
        }
    }
}
