import DeskSystemd
import Logging
import ServiceLifecycle
import Synchronization

/// Counts listeners as they come up; `arrive()` is true exactly once, for the last one, and
/// `allArrived` then ends.
final class ReadyLatch: Sendable {
    private let remaining: Mutex<Int>
    private let done: AsyncStream<Never>.Continuation
    /// Ends when the last listener has arrived.
    let allArrived: AsyncStream<Never>

    init(expected: Int) {
        remaining = Mutex(expected)
        (allArrived, done) = AsyncStream.makeStream()
    }

    @discardableResult
    func arrive() -> Bool {
        let last = remaining.withLock { count in
            count -= 1
            return count == 0
        }
        if last { done.finish() }
        return last
    }
}

/// Tells systemd `READY=1` (with the first `STATUS=` line) once every listener accepts, then
/// waits for shutdown: the notification runs inside the service group, not in a task of its own.
struct ReadinessService: Service {
    let latch: ReadyLatch
    let notifier: SystemdNotifier
    let status: @Sendable () async -> String?
    let listeners: Int
    let logger: Logger

    func run() async throws {
        // Ends when the last listener arrives, or at once when shutdown comes first.
        for await _ in latch.allArrived.cancelOnGracefulShutdown() {}
        guard !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
        // Database open, migrations done, every listener accepting: tell systemd.
        notifier.ready(status: await status() ?? "Serving; incident count unavailable")
        logger.notice(
            "deskd ready", metadata: ["listeners": "\(listeners)", "MESSAGE_ID": "\(JournalMessage.ready.id)"])
        try? await gracefulShutdown()
    }
}
