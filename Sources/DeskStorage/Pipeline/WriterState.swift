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
        /// The sequence number of the newest event, when known (with `head`).
        var headSequence: Int64?
    }

    private let state = Mutex(State())

    /// Runs `body` on the index.
    func withIndex<Value>(_ body: (inout OpenIncidentIndex) throws -> Value) rethrows -> Value {
        try state.withLock { try body(&$0.index) }
    }

    /// The chain hash of the newest event, if known.
    var head: String? { state.withLock { $0.head } }

    /// The newest event's chain hash and sequence number, if both are known: the next event is
    /// numbered from it, so that appending reads and waits for nothing.
    var position: TimelineChain.Position? {
        get {
            state.withLock { state in
                guard let head = state.head, let sequence = state.headSequence else { return nil }
                return TimelineChain.Position(hash: head, sequence: sequence)
            }
        }
        set {
            state.withLock { state in
                state.head = newValue?.hash
                state.headSequence = newValue?.sequence
            }
        }
    }

    /// Forgets what a rolled-back write touched: the areas it wrote to and the head.
    func rolledBack(areas: Set<String>) {
        state.withLock { state in
            for area in areas { state.index.forget(area: area) }
            state.head = nil
            state.headSequence = nil
        }
    }

    /// Forgets everything (a transaction failed as a whole, or the configuration changed).
    func reset() {
        state.withLock { state in
            state.index.reset()
            state.head = nil
            state.headSequence = nil
        }
    }
}
