import DeskCore
import DeskTestSupport
import Foundation
import Testing

/// Every Swedish or English sentence gets a phase — a low-confidence guess marked needs_review
/// when the evidence is thin, never `unclassified`.
@Suite struct EveryTextGetsAPhaseTests {
    /// Every sentence of every labelled report, alone.
    static func sentences() throws -> [String] {
        var sentences: [String] = []
        let directory = repositoryRoot.appendingPathComponent("Tests/ClassifierTests/Fixtures").path
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        where name.hasSuffix(".jsonl") {
            for report in try labelledReports(name) {
                sentences += report.text.split(whereSeparator: { ".!?\n".contains($0) }).map(String.init)
            }
        }
        return sentences.filter { $0.contains { $0.isLetter } }
    }

    @Test func everySentenceOfTheCorpusAloneGetsAPhase() throws {
        let sentences = try Self.sentences()
        #expect(sentences.count > 500)
        for sentence in sentences {
            let result = classify(sentence)
            #expect(result.phase != .unclassified, "\(sentence)")
            #expect(result.decidedBy == .text)
            #expect(result.needsReview == (result.confidence < reviewThreshold(result)))
        }
    }

    /// Random words of the corpus in random order: real words, no sense. Seeded and bounded.
    @Test(arguments: [UInt64(1), 2, 3])
    func randomRealWordsGetAPhase(seed: UInt64) throws {
        let words = try Self.sentences().flatMap { $0.split(separator: " ").map(String.init) }
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<1000 {
            let count = Int.random(in: 1...12, using: &generator)
            let text = (0..<count).map { _ in words[Int.random(in: 0..<words.count, using: &generator)] }
                .joined(separator: " ")
            guard text.contains(where: \.isLetter) else { continue }
            let result = classify(text)
            #expect(result.phase != .unclassified, "\(text)")
            // The model is always consulted; its guess is the phase, unless the lexicon's clear lead
            // decided a short report (and says so).
            #expect(result.signals.contains { $0.kind == "model" })
            let decider =
                result.signals.first { $0.kind == "short-report" } ?? result.signals.first { $0.kind == "model" }
            #expect(decider?.vote == result.phase.rawValue, "\(text)")
        }
    }

    @Test func textWithoutAWordIsStillUnclassified() {
        for text in ["🔥🔥🔥", "!!! ...", "\u{200B}"] {
            let result = classify(text)
            #expect(result.phase == .unclassified)
            #expect(result.needsReview)
        }
    }
}
