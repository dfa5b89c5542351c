import DeskCore
import DeskTestSupport
import Foundation
import Testing

/// Correlation with the stem cache decides exactly as without it, also when a candidate's texts
/// or title change between reports (the cache must not answer with what it saw before).
@Suite struct StemCacheTests {
    private let now = Date(timeIntervalSince1970: 1_795_000_000)
    private let policy = CorrelationPolicy(window: 6 * 3600, minSharedWords: 2)

    private func candidate(
        _ id: DeskID, title: String, texts: [String], category: DeskCore.Category? = nil
    )
        -> CorrelationCandidate
    {
        let incident = Incident(
            id: id, areaID: "bredang", title: title, phase: .during, category: category, severity: nil,
            status: .open, openedAt: now.addingTimeInterval(-600), updatedAt: now.addingTimeInterval(-60),
            reportCount: texts.count, lastReportAt: now.addingTimeInterval(-60))
        return CorrelationCandidate(incident: incident, reportTexts: texts)
    }

    @Test func aCandidatesNewTextsAndTitleAreSeenAtOnce() throws {
        let ids = IDGenerator(clock: SystemWallClock())
        let id = ids.next()
        let cache = StemCache(commonWords: ["efter", "that"])
        let cached = Correlator(policy: policy, cache: cache)
        let plain = Correlator(policy: policy, commonWords: ["efter", "that"])
        let report = plain.stems(of: "Vattenläcka i källaren på Ålgatan, källaren översvämmad")

        var texts = ["Trasig lampa i trapphuset"]
        var title = "Lampa trasig"
        func decide(_ correlator: Correlator) -> DeskID? {
            correlator.match(
                area: "bredang", stems: report, category: .other,
                candidates: [candidate(id, title: title, texts: texts)], now: now)?.incident.id
        }
        #expect(decide(cached) == nil)
        #expect(decide(plain) == nil)

        // A report about the leak joined: the incident now shares words with the new one.
        texts.insert("Vattenläcka i källaren, översvämmad sedan i natt", at: 0)
        #expect(decide(cached) == id)
        #expect(decide(plain) == id)

        // Split off again: the texts no longer share enough.
        texts.removeFirst()
        #expect(decide(cached) == nil)

        // Renamed to what the report is about: the title alone shares enough.
        title = "Källaren översvämmad efter vattenläcka"
        #expect(decide(cached) == id)
        #expect(decide(plain) == id)
    }

    @Test func randomHistoriesDecideAsWithoutTheCache() {
        var random = SeededGenerator(seed: 7)
        let words = [
            "brand", "källaren", "rökutveckling", "trapphuset", "polisen", "ungdomar", "stenkastning", "skolan",
            "vattenläcka", "elavbrott", "centrum", "tunnelbanan", "oroliga", "föräldrar", "fire", "basement",
            "smoke", "school", "parents", "worried", "Café", "Cafe\u{301}",
        ]
        func sentence() -> String {
            (0..<5).map { _ in words[Int.random(in: 0..<words.count, using: &random)] }.joined(separator: " ")
        }
        let generator = IDGenerator(clock: SystemWallClock())
        let ids = (0..<6).map { _ in generator.next() }
        var candidates = ids.map { candidate($0, title: sentence(), texts: [sentence()]) }
        let cache = StemCache(commonWords: [], capacity: 8)
        let cached = Correlator(policy: policy, cache: cache)
        let plain = Correlator(policy: policy)
        for _ in 0..<2000 {
            let which = Int.random(in: 0..<candidates.count, using: &random)
            var texts = candidates[which].reportTexts
            switch Int.random(in: 0..<6, using: &random) {
            case 0: texts.insert(sentence(), at: 0)
            case 1 where !texts.isEmpty: texts.removeLast()
            case 2:
                // A report joins: newest first, the oldest beyond the limit dropped.
                texts.insert(sentence(), at: 0)
                if texts.count > CorrelationCandidate.textsPerCandidate { texts.removeLast() }
            case 3 where !texts.isEmpty:
                // One report split off from the middle, or the same text reported twice.
                if Int.random(in: 0..<2, using: &random) == 0 {
                    texts.remove(at: Int.random(in: 0..<texts.count, using: &random))
                } else {
                    texts.insert(texts[Int.random(in: 0..<texts.count, using: &random)], at: 0)
                }
            case 4: texts = (0..<Int.random(in: 0..<4, using: &random)).map { _ in sentence() }
            default: candidates[which].incident.title = sentence()
            }
            candidates[which].reportTexts = texts
            let (title, text) = (sentence(), sentence())
            let report = plain.stems(of: title + " " + text)
            // A report's title and text, the text's remembered: as if made from both at once.
            #expect(cached.stems(title: title, text: text) == report)
            #expect(cached.stems(title: nil, text: text) == plain.stems(of: text))
            let a = cached.match(area: "bredang", stems: report, category: .other, candidates: candidates, now: now)
            let b = plain.match(area: "bredang", stems: report, category: .other, candidates: candidates, now: now)
            #expect(a == b)
        }
    }
}
