import DeskCore
import Synchronization

/// What the writer keeps in memory between transactions: the open incidents reports may join
/// (`OpenIncidentIndex`) and where the timeline ends (so appending an event reads nothing). Both
/// mirror committed rows; whatever a rolled-back write may have changed is forgotten and read
/// from the database again.
final class WriterState: Sendable {
    private struct State {
        var index = OpenIncidentIndex()
        /// The newest event's chain hash and sequence number, when known.
        var position: TimelineChain.Position?
    }

    private let state = Mutex(State())

    /// Runs `body` on the index.
    func withIndex<Value>(_ body: (inout OpenIncidentIndex) throws -> Value) rethrows -> Value {
        try state.withLock { try body(&$0.index) }
    }

    /// The newest event's chain hash and sequence number, if known: the next event is numbered
    /// and linked from it, so that appending reads and waits for nothing.
    var position: TimelineChain.Position? {
        get { state.withLock { $0.position } }
        set { state.withLock { $0.position = newValue } }
    }

    /// Forgets what a rolled-back write touched: the areas it wrote to and the timeline's end.
    func rolledBack(areas: Set<String>) {
        state.withLock { state in
            for area in areas { state.index.forget(area: area) }
            state.position = nil
        }
    }

    /// Forgets everything (a transaction failed as a whole, or the configuration changed).
    func reset() {
        state.withLock { state in
            state.index.reset()
            state.position = nil
        }
    }
}
