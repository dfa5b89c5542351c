import Foundation

/// Decides whether a new report is about an open incident: same area, within the window since
/// the incident's latest report, and the same category or enough shared content words.
/// Pure: the store supplies the candidates.
public struct Correlator: Sendable {
    public var policy: CorrelationPolicy
    /// Words too common to say two reports are about the same thing (`efter`, `that`).
    public var commonWords: Set<String>
    /// Where candidates' stems are remembered between reports, if anywhere.
    public var cache: StemCache?

    /// Creates a correlator.
    public init(policy: CorrelationPolicy, commonWords: Set<String> = []) {
        self.policy = policy
        self.commonWords = commonWords
    }

    /// Creates a correlator whose common words and remembered stems come from `cache`.
    public init(policy: CorrelationPolicy, cache: StemCache) {
        self.policy = policy
        self.commonWords = cache.commonWords
        self.cache = cache
    }

    /// The best open incident for a report in `area` whose title and text have `stems`, or nil
    /// when it is about something new.
    public func match(
        area: String, stems words: Set<String>, category: Category, candidates: [CorrelationCandidate], now: Date
    ) -> CorrelationMatch? {
        guard policy.window > 0 else { return nil }
        // The best so far, ranked by same category, then shared words, then the latest report;
        // its match (and the reason's text) is made for the winner only.
        // Shared words are counted for every candidate and listed for the winner only.
        var best: (candidate: Int, theirs: Set<String>, sameCategory: Bool, rank: (Int, Int, Date))?
        for (index, candidate) in candidates.enumerated() {
            let incident = candidate.incident
            let age = now.timeIntervalSince(incident.lastReportAt)
            guard incident.status == .open, incident.areaID == area, age <= policy.window else { continue }
            let theirs = cache?.stems(of: candidate, textStems(of:)) ?? candidateStems(of: candidate)
            let sameCategory = category != .other && incident.category == category
            let shared = Self.sharedCount(words, theirs)
            guard sameCategory || shared >= policy.minSharedWords else { continue }
            let rank = (sameCategory ? 1 : 0, shared, incident.lastReportAt)
            if let current = best, current.rank >= rank { continue }
            best = (index, theirs, sameCategory, rank)
        }
        guard let best else { return nil }
        let incident = candidates[best.candidate].incident
        let shared = words.intersection(best.theirs).sorted()
        let minutes = max(0, Int(now.timeIntervalSince(incident.lastReportAt) / 60))
        return CorrelationMatch(
            incident: incident, sameCategory: best.sameCategory, sharedWords: shared,
            minutesSinceLastReport: minutes,
            reason: Self.reason(
                area: incident.areaID, category: best.sameCategory ? category : nil, minutes: minutes,
                shared: shared))
    }

    /// How many stems two sets have in common, without building the common set: the smaller set
    /// is walked and looked up in the larger.
    private static func sharedCount(_ one: Set<String>, _ other: Set<String>) -> Int {
        let (small, large) = one.count <= other.count ? (one, other) : (other, one)
        return small.reduce(0) { count, stem in large.contains(stem) ? count + 1 : count }
    }

    /// The stems of a candidate's title and texts together.
    private func candidateStems(of candidate: CorrelationCandidate) -> Set<String> {
        candidate.reportTexts.reduce(into: stems(of: candidate.incident.title)) { $0.formUnion(stems(of: $1)) }
    }

    /// The stems of a report's title and text together. The text's are remembered in the cache:
    /// when the report joins an incident, its text is one of the incident's texts.
    public func stems(title: String?, text: String) -> Set<String> {
        let textStems = textStems(of: text)
        guard let title else { return textStems }
        return textStems.union(stems(of: title))
    }

    /// The stems of one text, from the cache if it knows them.
    private func textStems(of text: String) -> Set<String> { cache?.stems(of: text, stems(of:)) ?? stems(of: text) }

    /// Content-word stems: words of four letters or more, cut to five, without common words.
    public func stems(of text: String) -> Set<String> {
        let tokens = TextTokens(text)
        var result: Set<String> = []
        for index in 0..<tokens.count {
            let bytes = tokens.word(index)
            // Four letters take at least four bytes; most words are ASCII and need no more checks.
            guard bytes.count >= 4 else { continue }
            let word = String(decoding: bytes, as: UTF8.self)
            if bytes.allSatisfy({ $0 < 0x80 }) {
                guard !bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), !commonWords.contains(word) else { continue }
                result.insert(String(decoding: bytes.prefix(5), as: UTF8.self))
            } else {
                guard word.count >= 4, !commonWords.contains(word), !word.allSatisfy(\.isNumber) else { continue }
                result.insert(String(word.prefix(5)))
            }
        }
        return result
    }

    private static func reason(area: String, category: Category?, minutes: Int, shared: [String]) -> String {
        var parts = ["same area (\(area))"]
        if let category { parts.append("same category (\(category.rawValue))") }
        parts.append("\(minutes) min after its latest report")
        if !shared.isEmpty { parts.append("shared words: \(shared.prefix(6).joined(separator: ", "))") }
        return parts.joined(separator: ", ")
    }
}

extension Classifier {
    /// The lexicon's function words (language markers, negators, clause breakers): too common to
    /// tie two reports together.
    public var commonWords: Set<String> {
        let lexicon = self.lexicon
        return Set(lexicon.languageMarkers.values.joined()).union(lexicon.negators).union(lexicon.clauseBreakers)
    }
}
