import DeskCore
import Foundation

extension Trainer {
    /// A stacked fit: the words alone, and a combiner that weighs them against the lexicon's scores
    /// on reports the words were not fitted on.
    ///
    /// 1. The examples are dealt into `stackFolds` folds (seeded); for each fold a words-only model
    ///    fitted on the others gives its logits for the fold's reports: what the words say about
    ///    text they never saw.
    /// 2. The combiner, `logit = scale × words' logit + dense features · weights + bias`, is fitted
    ///    on those held-out logits (full batch, AdaGrad, L2 `combinerL2` on the dense weights): the
    ///    rules count what they add where the words are unsure, not where the words have learnt
    ///    every training report by heart (a joint fit ends at 100 % on its own data, so there the
    ///    rules add nothing and a joint fit leaves them almost no weight).
    /// 3. The words fitted on every example, times `scale`, with the combiner's dense weights and
    ///    bias, make the model: the same layout as a joint fit's.
    func stacked(_ examples: [TrainingExample]) -> Weights {
        var fold = [Int](repeating: 0, count: examples.count)
        var random = SplitMix64(seed: seed &+ 1)
        var order = Array(examples.indices)
        for index in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        for (position, index) in order.enumerated() { fold[index] = position % stackFolds }
        var heldOut = [[Double]](repeating: [0, 0, 0], count: examples.count)
        for current in 0..<stackFolds {
            let words = fit(examples.indices.filter { fold[$0] != current }.map { examples[$0] }, dense: false)
            for index in examples.indices where fold[index] == current {
                heldOut[index] = words.textLogits(examples[index].features)
            }
        }
        let (scale, dense, bias) = combine(examples, heldOut: heldOut)
        let words = fit(examples, dense: false)
        return Weights(
            weights: words.weights.map { $0 * Float(scale) }, dense: dense.map { Float($0) },
            bias: bias.map { Float($0) }, wordScale: scale)
    }

    /// The combiner's scale for the words' logits, its dense weights and its bias.
    private func combine(
        _ examples: [TrainingExample], heldOut: [[Double]]
    ) -> (scale: Double, dense: [Double], bias: [Double]) {
        let denseCount = PhaseFeatures.denseNames.count
        var scale: Double = 1
        var dense = [Double](repeating: 0, count: denseCount * 3)
        var bias = [Double](repeating: 0, count: 3)
        var sumScale: Double = 0
        var sumDense = [Double](repeating: 0, count: denseCount * 3)
        var sumBias = [Double](repeating: 0, count: 3)
        let count = Double(examples.count)
        let step = 0.1
        let epsilon = 1e-8
        for _ in 0..<2000 {
            var gradientScale: Double = 0
            var gradientDense = [Double](repeating: 0, count: denseCount * 3)
            var gradientBias = [Double](repeating: 0, count: 3)
            for (index, example) in examples.enumerated() {
                let x = example.features.dense
                var logits = (0..<3).map { scale * heldOut[index][$0] + bias[$0] }
                for (feature, value) in x.enumerated() where value != 0 {
                    for phase in 0..<3 { logits[phase] += Double(value) * dense[feature * 3 + phase] }
                }
                let top = logits.max() ?? 0
                let exponentials = logits.map { exp($0 - top) }
                let total = exponentials.reduce(0, +)
                for phase in 0..<3 {
                    let error = exponentials[phase] / total - (phase == example.label ? 1 : 0)
                    gradientScale += error * heldOut[index][phase]
                    gradientBias[phase] += error
                    for (feature, value) in x.enumerated() where value != 0 {
                        gradientDense[feature * 3 + phase] += error * Double(value)
                    }
                }
            }
            let g = gradientScale / count
            sumScale += g * g
            scale -= step * g / (sumScale.squareRoot() + epsilon)
            for at in dense.indices {
                let g = gradientDense[at] / count + Double(combinerL2) * dense[at]
                sumDense[at] += g * g
                dense[at] -= step * g / (sumDense[at].squareRoot() + epsilon)
            }
            for phase in 0..<3 {
                let g = gradientBias[phase] / count
                sumBias[phase] += g * g
                bias[phase] -= step * g / (sumBias[phase].squareRoot() + epsilon)
            }
        }
        return (scale, dense, bias)
    }
}
