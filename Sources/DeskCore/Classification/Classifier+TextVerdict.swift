import Foundation

/// What the text alone says about the phase, with the signals that explain it.
struct TextVerdict {
    var phase: Phase
    var confidence: Double
    /// The model's probability per phase, when the model decided or was consulted.
    var probabilities: [String: Double]?
    var signals: [Classification.Signal]
    /// How much of a full-length report the model read (`PhaseFeatures.fullness`); 1 without a model.
    var fullness: Double = 1
}

extension Classifier {
    /// The phase the text points to: a decisive rule's; else, for a short report (under the
    /// model's full length, about eight words) whose lexicon scores lead clearly, the lexicon's;
    /// else the model's most probable phase; else (without a model) the rules' best. Nil only for
    /// text without a single word.
    ///
    /// The model learnt from reports of a dozen words and more: in three or four words it reads the
    /// topic (`brand`, `tvättstugan`, `fire brigade`), not the time, and the lexicon's cues ("igår",
    /// "no longer") say more. A report that short follows the lexicon when its best phase scores
    /// more than `shortReportLead` times the runner-up, unless the model gives another phase a
    /// probability of `shortReportVeto` or more; its confidence is then the lexicon's, damped.
    func textVerdict(tokens: TextTokens, evidence: TextEvidence, model: PhaseModel?) -> TextVerdict? {
        guard tokens.hasWords else { return nil }
        let damping = lexicon.settings.confidenceDamping
        func rulesConfidence(_ phase: Phase) -> Double {
            let scores = evidence.ruleScores
            let top = scores[phase] ?? 0
            let other = scores.filter { $0.key != phase }.map(\.value).max() ?? 0
            return max(0, min(1, (top - other) / (top + damping)))
        }
        var judged: TextVerdict?
        if let model {
            judged = modelVerdict(model, tokens: tokens, evidence: evidence)
        }
        if let decisive = evidence.leadingDecisive {
            return TextVerdict(
                phase: decisive, confidence: rulesConfidence(decisive), probabilities: judged?.probabilities,
                signals: judged?.signals ?? [])
        }
        if let judged, judged.fullness < 1, let leading = evidence.leadingPhase,
            leading.top > leading.second * lexicon.settings.shortReportLead,
            judged.phase == leading.phase
                || (judged.probabilities?[judged.phase.rawValue] ?? 0) < lexicon.settings.shortReportVeto
        {
            let lexiconSays = Classification.Signal(
                kind: "short-report", rule: "lexicon", term: "", matched: "", vote: leading.phase.rawValue,
                weight: (rulesConfidence(leading.phase) * 100).rounded() / 100)
            return TextVerdict(
                phase: leading.phase, confidence: rulesConfidence(leading.phase),
                probabilities: judged.probabilities, signals: [lexiconSays] + judged.signals,
                fullness: judged.fullness)
        }
        if let judged { return judged }
        guard let leading = evidence.leadingPhase else { return nil }
        return TextVerdict(phase: leading.phase, confidence: rulesConfidence(leading.phase), signals: [])
    }

    /// The model's verdict: the most probable phase, confidence its margin over the runner-up
    /// times the report's fullness (three words without a cue are a guess however lopsided the
    /// probabilities, and need a duty officer's review); signals for
    /// the verdict (its probability as `probabilities` shows it), for each part (words, lexicon,
    /// cues) and for the three words or word parts that pushed most toward it.
    private func modelVerdict(_ model: PhaseModel, tokens: TextTokens, evidence: TextEvidence) -> TextVerdict {
        let features = PhaseFeatures(tokens: tokens, evidence: evidence, bucketBits: model.bucketBits)
        let judgement = model.judge(features)
        let order = (0..<3).sorted { judgement.probabilities[$0] > judgement.probabilities[$1] }
        let (top, runnerUp) = (order[0], order[1])
        let phase = PhaseModel.phases[top]
        func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
        let probabilities = Dictionary(
            uniqueKeysWithValues: zip(PhaseModel.phases, judgement.probabilities).map {
                ($0.0.rawValue, ($0.1 * 1000).rounded() / 1000)
            })
        // Rounded from the probability shown, so the two never disagree (0.995 shows as 1.0, not 0.99).
        var signals: [Classification.Signal] = [
            .init(
                kind: "model", rule: "phase-model", term: model.version, matched: "", vote: phase.rawValue,
                weight: rounded(probabilities[phase.rawValue] ?? 0))
        ]
        for (name, part) in [("words", judgement.words), ("lexicon", judgement.lexicon), ("cues", judgement.cues)] {
            let share = part[top] - part[runnerUp]
            guard abs(share) >= 0.005 else { continue }
            signals.append(
                .init(
                    kind: "model-part", rule: name, term: "", matched: "",
                    vote: PhaseModel.phases[share > 0 ? top : runnerUp].rawValue, weight: rounded(abs(share))))
        }
        for (index, contribution) in Self.strongest(features, model, toward: top, over: runnerUp) {
            let feature = features.describe(index, tokens: tokens)
            let token = Int(features.origins[index].token)
            let matched = feature.kind == .chars ? tokens.text(token, token) : feature.text
            signals.append(
                .init(
                    kind: "model-feature", rule: feature.kind.name, term: feature.text, matched: matched,
                    vote: phase.rawValue, weight: rounded(contribution)))
        }
        let margin = judgement.probabilities[top] - judgement.probabilities[runnerUp]
        return TextVerdict(
            phase: phase, confidence: margin * features.fullness, probabilities: probabilities, signals: signals,
            fullness: features.fullness)
    }

    /// The (up to) three feature occurrences, in different buckets, that pushed most toward
    /// phase `top` over `runnerUp`, strongest first.
    private static func strongest(
        _ features: PhaseFeatures, _ model: PhaseModel, toward top: Int, over runnerUp: Int
    ) -> [(index: Int, contribution: Double)] {
        var best: [(index: Int, bucket: Int32, contribution: Double)] = []
        let value = Double(features.value)
        for (index, bucket) in features.buckets.enumerated() {
            let contribution = Double(model.weight(bucket, top) - model.weight(bucket, runnerUp)) * value
            guard contribution > 0.005, best.count < 3 || contribution > best[best.count - 1].contribution,
                !best.contains(where: { $0.bucket == bucket })
            else { continue }
            best.append((index, bucket, contribution))
            best.sort { $0.contribution > $1.contribution }
            if best.count > 3 { best.removeLast() }
        }
        return best.map { ($0.index, $0.contribution) }
    }
}
