import Synchronization

/// The correlation stems of recent report texts, so that a flood of reports joining the same
/// incidents does not tokenize those incidents' texts again for every new report. Bounded: it is
/// emptied when it holds `capacity` texts.
public final class StemCache: Sendable {
    private struct State {
        var commonWords: Set<String>
        var stems: [String: Set<String>] = [:]
    }

    private let state: Mutex<State>
    private let capacity: Int

    /// Creates an empty cache for stems made without `commonWords`.
    public init(commonWords: Set<String>, capacity: Int = 1024) {
        state = Mutex(State(commonWords: commonWords))
        self.capacity = max(1, capacity)
    }

    /// The words stems leave out (the classifier's function words).
    public var commonWords: Set<String> { state.withLock { $0.commonWords } }

    /// Forgets every text, and from now on leaves out `commonWords` (a reloaded lexicon).
    public func reset(commonWords: Set<String>) {
        state.withLock { $0 = State(commonWords: commonWords) }
    }

    /// The stems of `text`, computed by `make` unless known.
    func stems(of text: String, _ make: (String) -> Set<String>) -> Set<String> {
        if let known = state.withLock({ $0.stems[text] }) { return known }
        let made = make(text)
        state.withLock { state in
            if state.stems.count >= capacity { state.stems.removeAll(keepingCapacity: true) }
            state.stems[text] = made
        }
        return made
    }
}
