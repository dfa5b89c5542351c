import DeskCore
import Synchronization

/// What the writer keeps in memory between transactions: the open incidents reports may join
/// (`OpenIncidentIndex`) and the timeline's head (so appending an event reads nothing). Both
/// mirror committed rows; whatever a rolled-back write may have changed is forgotten and read
/// from SQLite again.
final class WriterState: Sendable {
    private struct State {
        var index = OpenIncidentIndex()
        /// The chain hash of the newest event, when known.
        var head: String?
    }

    private let state = Mutex(State())

    /// Runs `body` on the index.
    func withIndex<Value>(_ body: (inout OpenIncidentIndex) throws -> Value) rethrows -> Value {
        try state.withLock { try body(&$0.index) }
    }

    /// The chain hash of the newest event, if known.
    var head: String? {
        get { state.withLock { $0.head } }
        set { state.withLock { $0.head = newValue } }
    }

    /// Forgets what a rolled-back write touched: the areas it wrote to and the head.
    func rolledBack(areas: Set<String>) {
        state.withLock { state in
            for area in areas { state.index.forget(area: area) }
            state.head = nil
        }
    }

    /// Forgets everything (a transaction failed as a whole, or the configuration changed).
    func reset() {
        state.withLock { state in
            state.index.reset()
            state.head = nil
        }
    }
}
