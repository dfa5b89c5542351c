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

    /// An incident's stems and what they were made from: each text's own stems and how many of
    /// the title and texts have each stem, so that a text joining or leaving the incident changes
    /// the union without merging every text again.
    private struct CandidateStems {
        var title: String
        var titleStems: Set<String>
        var texts: [String]
        var textStems: [Set<String>]
        var counts: [String: Int]
        var stems: Set<String>

        init(title: String, titleStems: Set<String>) {
            self.title = title
            self.titleStems = titleStems
            texts = []
            textStems = []
            counts = [:]
            stems = []
            add(titleStems)
        }

        /// Counts `stems` once more.
        mutating func add(_ stems: Set<String>) {
            for stem in stems {
                counts[stem, default: 0] += 1
                self.stems.insert(stem)
            }
        }

        /// Counts `stems` once less.
        mutating func remove(_ stems: Set<String>) {
            for stem in stems {
                switch counts[stem] {
                case 1?:
                    counts[stem] = nil
                    self.stems.remove(stem)
                case let count?: counts[stem] = count - 1
                case nil: break
                }
            }
        }

        /// Changes the texts to `newTexts`. When they are the old ones with newer texts in front
        /// and the oldest dropped (a report joined), only the texts that came and went are
        /// counted; otherwise (a report split off, texts read afresh) every text is counted anew.
        /// `stemsOf` makes one text's stems.
        mutating func replaceTexts(with newTexts: [String], _ stemsOf: (String) -> Set<String>) {
            // Unchanged strings share their storage, so comparing them is cheap.
            let kept = (0...newTexts.count).lazy.map { newTexts.count - $0 }
                .first { count in count <= texts.count && newTexts.suffix(count).elementsEqual(texts.prefix(count)) }
            guard let kept, kept > 0 else {
                self = CandidateStems(title: title, titleStems: titleStems)
                for text in newTexts {
                    let stems = stemsOf(text)
                    add(stems)
                    textStems.append(stems)
                }
                texts = newTexts
                return
            }
            for stems in textStems[kept...] { remove(stems) }
            let added = newTexts.prefix(newTexts.count - kept).map(stemsOf)
            for stems in added { add(stems) }
            textStems = added + textStems.prefix(kept)
            texts = newTexts
        }
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

    /// The stems of a candidate's title and texts together (`stemsOf` makes one text's). What
    /// is remembered for the incident is brought up to date: only texts that joined or left it
    /// since are looked at, and everything is made afresh when its title changed.
    func stems(of candidate: CorrelationCandidate, _ stemsOf: (String) -> Set<String>) -> Set<String> {
        let id = candidate.incident.id
        let title = candidate.incident.title
        // Unchanged since it was last seen (most candidates of a report): read it where it is.
        let known = state.withLock { state -> Set<String>? in
            guard let entry = state.candidates[id], entry.title == title, entry.texts == candidate.reportTexts
            else { return nil }
            return entry.stems
        }
        if let known { return known }
        // Taken out while it changes, so that it is changed in place rather than copied.
        var entry =
            state.withLock { $0.candidates.removeValue(forKey: id) }.flatMap { $0.title == title ? $0 : nil }
            ?? CandidateStems(title: title, titleStems: stemsOf(title))
        if entry.texts != candidate.reportTexts { entry.replaceTexts(with: candidate.reportTexts, stemsOf) }
        state.withLock { state in
            if state.candidates.count >= capacity { state.candidates.removeAll(keepingCapacity: true) }
            state.candidates[id] = entry
        }
        return entry.stems
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
