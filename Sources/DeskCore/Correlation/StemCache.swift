import Synchronization

/// The correlation stems of recent report texts and of open incidents, so that a flood of reports
/// compared with the same incidents does not tokenize, hash and merge those incidents' texts again
/// for every new report. Bounded: each part is emptied when it holds `capacity` entries.
///
/// Texts are keyed by their UTF-8 bytes (`TextKey`), which hash without Unicode normalization;
/// an incident by its id, its entry used only while the incident's title and texts are the ones
/// it was made from (arrays that were not changed compare by storage, so the check is cheap).
public final class StemCache: Sendable {
    private struct State {
        var commonWords: Set<String>
        var texts: [TextKey: Set<String>] = [:]
        var candidates: [DeskID: CandidateStems] = [:]
    }

    /// An incident's stems and what they were made from.
    private struct CandidateStems {
        var title: String
        var texts: [String]
        var stems: Set<String>
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
        let key = TextKey(text)
        if let known = state.withLock({ $0.texts[key] }) { return known }
        let made = make(text)
        state.withLock { state in
            if state.texts.count >= capacity { state.texts.removeAll(keepingCapacity: true) }
            state.texts[key] = made
        }
        return made
    }

    /// The stems of a candidate's title and texts together, made by `make` unless known for
    /// exactly that title and those texts.
    func stems(of candidate: CorrelationCandidate, _ make: (CorrelationCandidate) -> Set<String>) -> Set<String> {
        let id = candidate.incident.id
        if let known = state.withLock({ $0.candidates[id] }), known.texts == candidate.reportTexts,
            known.title == candidate.incident.title
        {
            return known.stems
        }
        let made = CandidateStems(title: candidate.incident.title, texts: candidate.reportTexts, stems: make(candidate))
        state.withLock { state in
            if state.candidates.count >= capacity { state.candidates.removeAll(keepingCapacity: true) }
            state.candidates[id] = made
        }
        return made.stems
    }
}

/// A text as a dictionary key by its UTF-8 bytes: equal bytes, equal key. Two spellings of the
/// same text in different Unicode normal forms are two keys (each is merely computed once).
struct TextKey: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: TextKey, rhs: TextKey) -> Bool { lhs.text.utf8.elementsEqual(rhs.text.utf8) }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
