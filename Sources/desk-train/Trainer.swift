import DeskCore
import Foundation

/// One report as the trainer sees it: the model's features and the phase it is labelled with.
struct TrainingExample {
    var features: PhaseFeatures
    /// The label's index in `PhaseModel.phases`.
    var label: Int
}

/// Multinomial logistic regression with L2 regularisation, fitted by stochastic gradient descent
/// with AdaGrad step sizes. Deterministic: the order of the examples in each epoch comes from a
/// seeded SplitMix64, and everything runs on one thread.
///
/// By default the fit is stacked (`Trainer+Stacking.swift`): the words are fitted alone, and how
/// much the words and the lexicon's scores count is fitted on the words' out-of-fold logits.
/// `stackFolds = 0` fits everything at once, as the shipped model was fitted up to 5d541f9.
struct Trainer {
    var bucketBits = 16
    var epochs = 30
    var learningRate: Float = 0.2
    /// L2 on the text weights. Stacked, 1e-2: the combiner scales the words back up (about 3.7x),
    /// so a strong penalty only evens the words out; 1e-4 was the joint fit's.
    var l2: Float = 1e-2
    /// L2 on the few dense weights (the rules' scores) in a joint fit (`stackFolds = 0`), apart
    /// from the many text weights. Strong on purpose: fitted together with the words on the corpus
    /// the rules were written from, a weak penalty lets the model lean on them there and then
    /// misread new writers. 2e-2 rather than 1e-4 took blind batch 5 (fitted on the 880 reports
    /// before it) from 88.3 to 94.4 %. It also left the rules about 0.1-0.3 of a logit per log
    /// unit: a short report's "igår" or "inte längre" could not outweigh one topical word.
    var denseL2: Float = 2e-2
    /// Inner folds of the stacked fit; 0 fits words and rules' scores together.
    var stackFolds = 5
    /// L2 on the combiner's weights for the rules' scores, fitted on held-out word logits.
    var combinerL2: Float = 1e-3
    var seed: UInt64 = 15

    /// The fitted weights, in `PhaseModel`'s layout.
    struct Weights {
        var weights: [Float]
        var dense: [Float]
        var bias: [Float]
        /// What the stacked fit multiplied the words' weights by (1 for a joint fit).
        var wordScale: Double = 1

        /// The text features' logits, without the bias and the dense features.
        func textLogits(_ features: PhaseFeatures) -> [Double] {
            let mask = Int32(weights.count / 3 - 1)
            var logits: [Double] = [0, 0, 0]
            let value = Double(features.value)
            for bucket in features.buckets {
                let row = Int(bucket & mask) * 3
                for phase in 0..<3 { logits[phase] += Double(weights[row + phase]) * value }
            }
            return logits
        }

        /// The probabilities of the phases for one report, computed here from the unquantised
        /// weights: what the shipped model must reproduce.
        func probabilities(_ features: PhaseFeatures) -> [Double] {
            var logits = textLogits(features)
            for phase in 0..<3 { logits[phase] += Double(bias[phase]) }
            for (feature, x) in features.dense.enumerated() {
                for phase in 0..<3 { logits[phase] += Double(x) * Double(dense[feature * 3 + phase]) }
            }
            let top = logits.max() ?? 0
            let exponentials = logits.map { exp($0 - top) }
            let total = exponentials.reduce(0, +)
            return exponentials.map { $0 / total }
        }
    }

    /// Fits the model: stacked (`stackFolds` ≥ 2) or joint.
    func train(_ examples: [TrainingExample]) -> Weights {
        stackFolds >= 2 ? stacked(examples) : fit(examples, dense: true)
    }

    /// Stochastic gradient descent over the examples; without `dense`, the rules' scores are left out.
    func fit(_ examples: [TrainingExample], dense useDense: Bool) -> Weights {
        let buckets = 1 << bucketBits
        let denseCount = PhaseFeatures.denseNames.count
        var w = [Float](repeating: 0, count: buckets * 3)
        var gw = [Float](repeating: 0, count: buckets * 3)
        var v = [Float](repeating: 0, count: denseCount * 3)
        var gv = [Float](repeating: 0, count: denseCount * 3)
        var b = [Float](repeating: 0, count: 3)
        var gb = [Float](repeating: 0, count: 3)
        var order = Array(examples.indices)
        var random = SplitMix64(seed: seed)
        let mask = Int32(buckets - 1)
        let epsilon: Float = 1e-8
        for _ in 0..<epochs {
            for index in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(index, Int(random.next() % UInt64(index + 1)))
            }
            for exampleIndex in order {
                let example = examples[exampleIndex]
                let features = example.features
                var logits = b
                for bucket in features.buckets {
                    let row = Int(bucket & mask) * 3
                    for phase in 0..<3 { logits[phase] += w[row + phase] * features.value }
                }
                for (feature, x) in features.dense.enumerated() where useDense {
                    for phase in 0..<3 { logits[phase] += x * v[feature * 3 + phase] }
                }
                let top = logits.max() ?? 0
                let exponentials = logits.map { exp($0 - top) }
                let total = exponentials.reduce(0, +)
                let errors = (0..<3).map { exponentials[$0] / total - ($0 == example.label ? 1 : 0) }
                for bucket in features.buckets {
                    let row = Int(bucket & mask) * 3
                    for phase in 0..<3 {
                        let at = row + phase
                        let gradient = errors[phase] * features.value + l2 * w[at]
                        gw[at] += gradient * gradient
                        w[at] -= learningRate * gradient / (gw[at].squareRoot() + epsilon)
                    }
                }
                for (feature, x) in features.dense.enumerated() where useDense && x != 0 {
                    for phase in 0..<3 {
                        let at = feature * 3 + phase
                        let gradient = errors[phase] * x + denseL2 * v[at]
                        gv[at] += gradient * gradient
                        v[at] -= learningRate * gradient / (gv[at].squareRoot() + epsilon)
                    }
                }
                for phase in 0..<3 {
                    let gradient = errors[phase]
                    gb[phase] += gradient * gradient
                    b[phase] -= learningRate * gradient / (gb[phase].squareRoot() + epsilon)
                }
            }
        }
        return Weights(weights: w, dense: v, bias: b)
    }
}

/// SplitMix64: a small seeded generator, so training is reproducible.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
