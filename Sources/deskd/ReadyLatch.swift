import Synchronization

/// Counts listeners as they come up; `arrive()` is true exactly once, for the last one.
final class ReadyLatch: Sendable {
    private let remaining: Mutex<Int>

    init(expected: Int) { remaining = Mutex(expected) }

    func arrive() -> Bool {
        remaining.withLock { count in
            count -= 1
            return count == 0
        }
    }
}
