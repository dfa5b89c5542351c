import DeskCore
import DeskTestSupport
import Foundation
import Testing

/// Random text of every script through the classifier and the correlator's word handling:
/// nothing crashes and every answer is well-formed. Seeded and bounded.
@Suite struct RandomTextTests {
    @Test(arguments: [UInt64(11), 12, 13])
    func theClassifierAnswersEveryTextWellFormed(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let now = Date()
        for iteration in 0..<3000 {
            let text = RandomInput.text(&rng, maxPieces: 60)
            let result = shippedClassifier.classify(
                ClassifierInput(
                    text: text, title: Bool.random(using: &rng) ? RandomInput.text(&rng, maxPieces: 5) : nil,
                    ongoing: Bool.random(using: &rng) ? Bool.random(using: &rng) : nil, now: now))
            #expect(
                UnicodeRobustnessTests.isSane(result),
                "seed \(seed) iteration \(iteration): \(result.confidence), \(result.severity) for \(text.debugDescription)"
            )
        }
    }
}
