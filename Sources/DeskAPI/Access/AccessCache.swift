import Synchronization

/// What access checks found, remembered until something they depend on changes: a bounded map
/// emptied by `invalidate()` (a write to tokens or responders) and when it is full.
///
/// A value read from the database is kept only if no invalidation happened while it was being
/// read (`store(_:for:ifStill:)`), so a check that raced with a revocation cannot bring the old
/// answer back.
final class AccessCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var generation = 0
        var values: [Key: Value] = [:]
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// The current generation: read it before a database read, pass it to `store`.
    var generation: Int { state.withLock { $0.generation } }

    /// The value remembered for `key`, if any.
    func value(for key: Key) -> Value? { state.withLock { $0.values[key] } }

    /// Remembers `value` unless the cache was invalidated since `generation` was read.
    func store(_ value: Value, for key: Key, ifStill generation: Int) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.values.count >= capacity { state.values.removeAll(keepingCapacity: true) }
            state.values[key] = value
        }
    }

    /// Forgets everything.
    func invalidate() {
        state.withLock { state in
            state.generation += 1
            state.values.removeAll(keepingCapacity: true)
        }
    }
}
