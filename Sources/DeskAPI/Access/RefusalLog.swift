import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Access refusals (401, 403, 429) in the journal as a count per interval, not one line each.
///
/// The first refusal after a quiet interval is logged at once with its reason (someone is knocking);
/// the ones after it are counted, and the count (by status, with the number of client addresses)
/// is logged when the next refusal arrives after the interval has passed, or by `flush()` (which
/// `Flusher` calls every interval, and at shutdown). A steady stream of refusals so costs one line
/// per interval.
public final class RefusalLog: Sendable {
    private struct Window {
        var start: TimeInterval
        var counts: [Int: Int] = [:]
        var peers: Set<String> = []
    }

    private let window = Mutex<Window?>(nil)
    private let logger: Logger
    private let interval: TimeInterval
    private let now: @Sendable () -> TimeInterval
    /// Client addresses remembered per interval at most (the count stays exact).
    private let maxPeers = 1000

    /// Creates the log; `interval` is how often a count is written at most.
    public init(
        logger: Logger, interval: TimeInterval = 60,
        now: @escaping @Sendable () -> TimeInterval = { ProcessInfo.processInfo.systemUptime }
    ) {
        self.logger = logger
        self.interval = interval
        self.now = now
    }

    /// Records one refusal of `peer` with `status`; `reason` is logged only when it is the first.
    func record(status: Int, peer: String, reason: @autoclosure () -> String) {
        let instant = now()
        let (summary, first) = window.withLock { window -> (String?, Bool) in
            if var current = window, instant - current.start < interval {
                current.counts[status, default: 0] += 1
                if current.peers.count < maxPeers { current.peers.insert(peer) }
                window = current
                return (nil, false)
            }
            let summary = window.flatMap { Self.summary($0) }
            // After a quiet interval this refusal is logged itself; after a busy one it opens the next count.
            var next = Window(start: instant)
            if summary != nil {
                next.counts[status] = 1
                next.peers = [peer]
            }
            window = next
            return (summary, summary == nil)
        }
        if let summary { log(summary) }
        if first {
            let text =
                "access refused (\(status)) for \(peer): \(reason()); further refusals are counted for \(Int(interval)) s"
            logger.notice("\(text)", metadata: ["DESK_EVENT": "access.refused", "DESK_PRINCIPAL": "\(peer)"])
        }
    }

    /// Logs the count so far, if any, and starts a new interval.
    func flush() {
        let summary = window.withLock { window -> String? in
            defer { window = nil }
            return window.flatMap { Self.summary($0) }
        }
        if let summary { log(summary) }
    }

    private func log(_ summary: String) {
        logger.notice("\(summary)", metadata: ["DESK_EVENT": "access.refused"])
    }

    /// Writes the count of a busy interval once it is over, even when no refusal follows.
    struct Flusher: Service {
        let log: RefusalLog

        func run() async throws {
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(log.interval))
                    log.flushIfOver()
                }
            }
            log.flush()
        }
    }

    /// Logs the count of an interval that is over.
    func flushIfOver() {
        let instant = now()
        let summary = window.withLock { window -> String? in
            guard let current = window, instant - current.start >= interval else { return nil }
            window = nil
            return Self.summary(current)
        }
        if let summary { log(summary) }
    }

    private static func summary(_ window: Window) -> String? {
        let total = window.counts.values.reduce(0, +)
        guard total > 0 else { return nil }
        let statuses = window.counts.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: ", ")
        let peers = window.peers.count == 1 ? "1 client address" : "\(window.peers.count) client addresses"
        return "access refused \(total) more times (\(statuses)) from \(peers)"
    }
}
