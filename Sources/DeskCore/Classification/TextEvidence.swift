/// What the words of a report say: phase and category scores, severity steps, and the signals
/// behind them.
struct TextEvidence {
    /// Phase scores of the lexicon's word rules (with the `present` and `not-yet` bonuses).
    var phaseScores: [Phase: Double] = [.before: 0, .during: 0, .after: 0]
    /// Phase scores of the grammatical cues (rules with `cue = true`, and the `no-longer` bonus).
    var cueScores: [Phase: Double] = [.before: 0, .during: 0, .after: 0]
    /// A cue said the event is happening now (`present`), and a negated cue with "yet" counted.
    var isPresent = false
    var isNotYet = false
    /// Per word of the text: it belongs to a negated cue (`brinner` in "det brinner inte"). The
    /// phase model reads such words apart, so a negated "burning" is not read as burning.
    var negatedWords: [Bool] = []
    /// Phase scores of decisive rules only: any of them overrides the model.
    var decisiveScores: [Phase: Double] = [:]
    var categoryScores: [Category: Double] = [:]
    /// The first rule order at which each category scored, to break ties by the lexicon's order.
    var categoryOrder: [Category: Int] = [:]
    var severitySteps = 0
    /// The language whose rules applied.
    var language: String?
    var signals: [Classification.Signal] = []

    /// Word rules and cues together, per phase.
    var ruleScores: [Phase: Double] {
        phaseScores.merging(cueScores, uniquingKeysWith: +)
    }

    /// The best-scoring phase of the rules (words and cues) and its margin over the runner-up, or
    /// nil when nothing scored. Ties go to `during`, then `after`: a report that could be acute
    /// is treated as acute.
    var leadingPhase: (phase: Phase, top: Double, second: Double)? { Self.leading(ruleScores) }

    /// The best phase among decisive rules, if one matched.
    var leadingDecisive: Phase? { Self.leading(decisiveScores)?.phase }

    private static func leading(_ scores: [Phase: Double]) -> (phase: Phase, top: Double, second: Double)? {
        let ranked = [Phase.during, .after, .before].map { ($0, scores[$0] ?? 0) }
            .enumerated().sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }
            .map(\.element)
        guard let best = ranked.first, best.1 > 0 else { return nil }
        return (best.0, best.1, ranked[1].1)
    }

    /// The best-scoring category, if any scored.
    var leadingCategory: Category? {
        categoryScores.filter { $0.value > 0 }.max { a, b in
            a.value != b.value ? a.value < b.value : (categoryOrder[a.key] ?? 0) > (categoryOrder[b.key] ?? 0)
        }?.key
    }
}

extension Classifier {
    /// Reads the text: finds every term, works out negation, "not yet" and "no longer", and scores.
    func evidence(in tokens: TextTokens, language: String?) -> TextEvidence {
        var evidence = TextEvidence()
        guard tokens.count > 0 else { return evidence }
        var ruleMatches: [RuleMatch] = []
        var negated = [Bool](repeating: false, count: tokens.count)
        evidence.negatedWords = [Bool](repeating: false, count: tokens.count)
        var yetClauses: Set<Int> = []
        var noLongerClauses: Set<Int> = []
        var markerCounts: [String: Int] = [:]
        for match in index.matches(in: tokens) {
            switch roles[match.term] {
            case .rule(let rule): ruleMatches.append(RuleMatch(match: match, rule: rule))
            case .negator: negated[match.first] = true
            case .yet: yetClauses.insert(tokens.tokens[match.first].clause)
            case .noLonger: noLongerClauses.insert(tokens.tokens[match.first].clause)
            case .marker(let language): markerCounts[language, default: 0] += 1
            }
        }
        let language = language ?? Self.guessLanguage(markerCounts)
        evidence.language = language
        let settings = lexicon.settings

        var hitsPerRule: [Int: Int] = [:]
        var notYet: Classification.Signal?
        var noLonger: Classification.Signal?
        var present: Classification.Signal?
        var severityRules: Set<Int> = []
        for found in relevant(ruleMatches, language: language) {
            let match = found.match
            let ruleIndex = found.rule
            let rule = lexicon.rules[ruleIndex]
            let term = index.patterns[match.term].text
            let matched = tokens.text(match.first, match.last)
            if rule.negatable, isNegated(match, tokens: tokens, negators: negated) {
                evidence.signals.append(
                    .init(kind: "negated", rule: rule.name, term: term, matched: matched, vote: "none", weight: 0))
                for word in match.first...match.last { evidence.negatedWords[word] = true }
                if notYet == nil, yetClauses.contains(tokens.tokens[match.first].clause) {
                    notYet = .init(
                        kind: "not-yet", rule: rule.name, term: term, matched: matched, vote: Phase.before.rawValue,
                        weight: settings.notYetWeight)
                }
                // "Det brinner inte längre": an acute cue no longer true is an event that has stopped.
                if noLonger == nil, case .phase(.during) = rule.target,
                    noLongerClauses.contains(tokens.tokens[match.first].clause)
                {
                    noLonger = .init(
                        kind: "no-longer", rule: rule.name, term: term, matched: matched, vote: Phase.after.rawValue,
                        weight: settings.noLongerWeight)
                }
                continue
            }
            let hits = hitsPerRule[ruleIndex, default: 0]
            hitsPerRule[ruleIndex] = hits + 1
            // A rule counts at most twice: many words for one thing are not many things.
            let weight = hits < 2 ? rule.weight : 0
            switch rule.target {
            case .phase(let phase):
                if rule.cue {
                    evidence.cueScores[phase, default: 0] += weight
                } else {
                    evidence.phaseScores[phase, default: 0] += weight
                }
                if rule.decisive { evidence.decisiveScores[phase, default: 0] += max(weight, 0.001) }
                evidence.signals.append(
                    .init(
                        kind: rule.decisive ? "decisive" : rule.cue ? "cue" : "phase", rule: rule.name, term: term,
                        matched: matched, vote: phase.rawValue, weight: weight))
                if rule.present, phase == .during, present == nil {
                    present = .init(
                        kind: "present", rule: rule.name, term: term, matched: matched, vote: Phase.during.rawValue,
                        weight: settings.presentBonus)
                }
            case .category(let category):
                evidence.categoryScores[category, default: 0] += weight
                if evidence.categoryOrder[category] == nil { evidence.categoryOrder[category] = ruleIndex }
                evidence.signals.append(
                    .init(
                        kind: "category", rule: rule.name, term: term, matched: matched, vote: category.rawValue,
                        weight: weight))
            case .severity(let steps):
                let counted = severityRules.insert(ruleIndex).inserted
                if counted { evidence.severitySteps += steps }
                evidence.signals.append(
                    .init(
                        kind: "severity", rule: rule.name, term: term, matched: matched, vote: "+\(steps)",
                        weight: counted ? Double(steps) : 0))
            }
        }
        if let present {
            evidence.phaseScores[.during, default: 0] += present.weight
            evidence.signals.append(present)
            evidence.isPresent = true
        }
        if var notYet {
            // "Nobody is hurt yet" in a fire burning now is about the fire, not a warning sign.
            if present != nil { notYet.weight = 0 }
            evidence.phaseScores[.before, default: 0] += notYet.weight
            evidence.signals.append(notYet)
            evidence.isNotYet = notYet.weight > 0
        }
        if var noLonger {
            // "The fire upstairs is out, but the garage is burning right now" is about the garage.
            if present != nil { noLonger.weight = 0 }
            evidence.cueScores[.after, default: 0] += noLonger.weight
            evidence.signals.append(noLonger)
        }
        return evidence
    }

    /// A term of a rule found in the text.
    struct RuleMatch {
        var match: PatternIndex.Match
        var rule: Int
    }

    /// The rule matches that apply: in the asked language, one per rule and word, and not a
    /// word that a longer phrase of the same kind already covers (`för några minuter sedan`
    /// is one recent-past cue, not also the `sedan` of an old event).
    private func relevant(_ matches: [RuleMatch], language: String?) -> [RuleMatch] {
        var candidates = matches.filter { found in
            guard let language, let ruleLanguage = lexicon.rules[found.rule].language else { return true }
            return ruleLanguage == language
        }
        candidates.sort { ($0.match.first, $1.match.last) < ($1.match.first, $0.match.last) }
        var kept: [RuleMatch] = []
        for found in candidates {
            let match = found.match
            let dimension = Self.dimension(lexicon.rules[found.rule].target)
            let covered = kept.contains { other in
                let sameRule = other.rule == found.rule && other.match.first == match.first
                let inside =
                    other.match.first <= match.first && match.last <= other.match.last
                    && (other.match.last - other.match.first) > (match.last - match.first)
                    && Self.dimension(lexicon.rules[other.rule].target) == dimension
                return sameRule || inside
            }
            if !covered { kept.append(found) }
        }
        return kept
    }

    private static func dimension(_ target: Lexicon.Target) -> Int {
        switch target {
        case .phase: return 0
        case .category: return 1
        case .severity: return 2
        }
    }

    /// The language with the most marker words in the text, if one has at least twice as many as any other.
    private static func guessLanguage(_ counts: [String: Int]) -> String? {
        let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        guard let best = ranked.first else { return nil }
        if ranked.count > 1, ranked[1].value * 2 > best.value { return nil }
        return best.key
    }

    /// A negator up to `negationWindow` words before the cue, or right after it (`det brinner
    /// inte`), in the same clause.
    private func isNegated(_ match: PatternIndex.Match, tokens: TextTokens, negators: [Bool]) -> Bool {
        let clause = tokens.tokens[match.first].clause
        let window = lexicon.settings.negationWindow
        var index = match.first - 1
        while index >= 0, index >= match.first - window, tokens.tokens[index].clause == clause {
            if negators[index] { return true }
            index -= 1
        }
        let after = match.last + 1
        return after < tokens.count && tokens.tokens[after].clause == clause && negators[after]
    }
}
