import DeskCore
import DeskTestSupport
import Foundation
import Testing

/// The phase model: the shipped weights reproduce the trainer's own probabilities, the shipped
/// form round-trips, and broken weights are refused.
@Suite struct PhaseModelTests {
    struct Expected: Decodable {
        var text: String
        var before: Double
        var during: Double
        var after: Double
    }

    /// `make train` wrote the probabilities it computed from its unquantised weights; the model
    /// it installed (16-bit weights, read from `model/phase-sv-en.dwf`) must agree.
    @Test func theShippedModelAgreesWithTheTrainer() throws {
        let url = repositoryRoot.appendingPathComponent("Tests/ClassifierTests/Fixtures/model-agreement.json")
        let expected = try JSONDecoder().decode([Expected].self, from: Data(contentsOf: url))
        #expect(expected.count >= 10)
        for entry in expected {
            let result = classify(entry.text)
            let probabilities = try #require(result.probabilities, "no model probabilities for \(entry.text)")
            for (phase, value) in [("before", entry.before), ("during", entry.during), ("after", entry.after)] {
                let actual = probabilities[phase] ?? -1
                #expect(abs(actual - value) < 0.01, "\(entry.text): \(phase) \(actual), trainer \(value)")
            }
        }
    }

    @Test func theShippedFormRoundTrips() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        let bits = 10
        var weights = [Float](repeating: 0, count: (1 << bits) * 3)
        for index in stride(from: 0, to: weights.count, by: 7) {
            weights[index] = Float(Int.random(in: -3000...3000, using: &generator)) / 1000
        }
        let dense = (0..<(PhaseFeatures.denseNames.count * 3)).map { Float($0) / 10 - 0.5 }
        let model = try PhaseModel(
            version: "test", bucketBits: bits, weights: weights, denseWeights: dense, bias: [0.25, -0.5, 0.125])
        let decoded = try PhaseModel(encoded: model.encoded(), version: "test")
        #expect(decoded.bias == model.bias)
        #expect(decoded.denseWeights == model.denseWeights)
        let largest = weights.map(abs).max() ?? 0
        for (original, read) in zip(model.weights, decoded.weights) {
            #expect(abs(original - read) <= largest / 32_767)
        }
    }

    @Test(arguments: [
        ("", "end early"), ("RFBNMQ==", "end early"), ("not base64!", "not base64"), ("RFBNMRII", "end early"),
        ("RFBNMRIG", "trained on other dense features"),
        ("RFBNMgAA", "do not start with DPM1"), ("RFBNMQEG", "bucket bits 1 not in 8...24"),
    ])
    func brokenWeightsAreRefused(encoded: String, reason: String) {
        #expect {
            _ = try PhaseModel(encoded: encoded, version: "broken")
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func theShippedModelIsSmall() {
        let model = shippedModels.phase
        let bytes = (model.weights.count + model.denseWeights.count + model.bias.count) * MemoryLayout<Float>.size
        #expect(bytes <= 20 * 1024 * 1024)
        #expect(model.version.hasPrefix("phase-model "))
    }
}
