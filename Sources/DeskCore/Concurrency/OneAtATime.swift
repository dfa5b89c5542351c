import Synchronization

/// Runs one piece of work at a time: a second call while one runs is refused at once (not queued),
/// for work so costly that two at once would only slow the desk (hashing the whole timeline).
public final class OneAtATime: Sendable {
    private let running = Mutex(false)
    private let busy: DeskError

    /// Creates a gate that refuses with `busy`.
    public init(busy: DeskError) { self.busy = busy }

    /// Runs `work` unless other work runs; throws `busy` then.
    public func run<Value: Sendable>(_ work: () async throws -> Value) async throws -> Value {
        let entered = running.withLock { running -> Bool in
            if running { return false }
            running = true
            return true
        }
        guard entered else { throw busy }
        defer { running.withLock { $0 = false } }
        return try await work()
    }
}
