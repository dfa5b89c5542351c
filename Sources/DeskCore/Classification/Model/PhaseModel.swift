import Foundation

/// A multinomial logistic regression over `PhaseFeatures`: for each phase a weight per hash
/// bucket, per dense feature, and a bias. Trained by `make train` (`desk-train`) on the labelled
/// corpus; installed as a file (`WeightsFile`, `model/` in the repository) that deskd reads at
/// start-up and hands to the classifier (`ClassifierModels`); never fetched at run time.
///
/// Pure: the weights are values, and `judge` only reads them.
public struct PhaseModel: Sendable, Hashable {
    /// The phases the model chooses between, in the order of its weights.
    public static let phases: [Phase] = [.before, .during, .after]

    /// A name for this set of weights, shown with the model's signal, e.g. `phase-model 2026-11-30 (812 reports)`.
    public var version: String
    /// Text features are hashed into `2^bucketBits` buckets.
    public var bucketBits: Int
    /// `weights[bucket * 3 + phase]`, phases as `phases` orders them.
    public var weights: [Float]
    /// `denseWeights[feature * 3 + phase]`, features as `PhaseFeatures.denseNames` orders them.
    public var denseWeights: [Float]
    /// One per phase.
    public var bias: [Float]

    /// Creates a model from its weights; throws when the sizes do not fit together.
    public init(
        version: String, bucketBits: Int, weights: [Float], denseWeights: [Float], bias: [Float]
    ) throws(PhaseModelError) {
        guard (8...24).contains(bucketBits) else { throw PhaseModelError("bucket bits \(bucketBits) not in 8...24") }
        guard weights.count == (1 << bucketBits) * 3 else {
            throw PhaseModelError("\(weights.count) weights for \(1 << bucketBits) buckets")
        }
        guard denseWeights.count == PhaseFeatures.denseNames.count * 3, bias.count == 3 else {
            throw PhaseModelError("\(denseWeights.count) dense weights and \(bias.count) biases")
        }
        self.version = version
        self.bucketBits = bucketBits
        self.weights = weights
        self.denseWeights = denseWeights
        self.bias = bias
    }

    /// What the model makes of one report: a probability per phase and each part's share of the
    /// logits, so the verdict can be explained.
    public struct Judgement: Sendable, Hashable {
        /// Per phase, as `PhaseModel.phases` orders them; they sum to 1.
        public var probabilities: [Double]
        /// Per phase: the logit from the text's words (hashed features).
        public var words: [Double]
        /// Per phase: the logit from the lexicon's phase scores and its present and not-yet cues.
        public var lexicon: [Double]
        /// Per phase: the logit from the grammatical cues' phase scores.
        public var cues: [Double]

        /// The most probable phase and its probability.
        public var best: (phase: Phase, probability: Double) {
            var index = 0
            for candidate in 1..<3 where probabilities[candidate] > probabilities[index] { index = candidate }
            return (PhaseModel.phases[index], probabilities[index])
        }
    }

    /// Scores the features.
    public func judge(_ features: PhaseFeatures) -> Judgement {
        var words = [Double](repeating: 0, count: 3)
        var sums: (Float, Float, Float) = (0, 0, 0)
        weights.withUnsafeBufferPointer { weights in
            let mask = Int32((1 << bucketBits) - 1)
            for bucket in features.buckets {
                let row = Int(bucket & mask) * 3
                sums.0 += weights[row]
                sums.1 += weights[row + 1]
                sums.2 += weights[row + 2]
            }
        }
        let value = Double(features.value)
        words = [Double(sums.0) * value, Double(sums.1) * value, Double(sums.2) * value]
        var lexicon = [Double](repeating: 0, count: 3)
        var cues = [Double](repeating: 0, count: 3)
        for (feature, x) in features.dense.enumerated() where x != 0 {
            for phase in 0..<3 {
                let share = Double(x) * Double(denseWeights[feature * 3 + phase])
                if feature < 3 || feature >= 6 { lexicon[phase] += share } else { cues[phase] += share }
            }
        }
        let logits = (0..<3).map { Double(bias[$0]) + words[$0] + lexicon[$0] + cues[$0] }
        let top = logits.max() ?? 0
        let exponentials = logits.map { exp($0 - top) }
        let total = exponentials.reduce(0, +)
        return Judgement(
            probabilities: exponentials.map { $0 / total }, words: words, lexicon: lexicon, cues: cues)
    }

    /// The weight of one hash bucket for one phase (as `phases` orders them).
    func weight(_ bucket: Int32, _ phase: Int) -> Float {
        weights[Int(bucket & Int32((1 << bucketBits) - 1)) * 3 + phase]
    }
}

/// Weights that do not make a model, with the reason.
public struct PhaseModelError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
