import DeskCore
import Foundation

extension Describe {
    /// The deciding evidence of every part of the classifier, one block each: the lexicon's word
    /// rules, the grammatical cues, the phase model (probabilities, how much its words, lexicon
    /// and cue inputs pushed, the strongest words), the reporter's fields, and what decided.
    static func explanation(_ result: Classification) -> String {
        var lines = ["", "Deciding evidence (decided by \(result.decidedBy.rawValue))"]
        func votes(_ kinds: Set<String>) -> [Classification.Signal] {
            result.signals.filter { kinds.contains($0.kind) }
        }
        func block(_ title: String, _ signals: [Classification.Signal], empty: String) {
            lines.append("  \(title)")
            guard !signals.isEmpty else { return lines.append("    \(empty)") }
            for signal in signals {
                var line = "    \(signal.vote) \(number(signal.weight))  \"\(signal.matched)\""
                line += "  (\(signal.kind == "phase" ? "" : signal.kind + " ")\(signal.rule): \(signal.term))"
                lines.append(line)
            }
        }
        block("Lexicon rules", votes(["phase", "present", "not-yet", "decisive"]), empty: "no word rule matched")
        if let short = votes(["short-report"]).first {
            lines.append("    a short report: the lexicon's clear lead decided \(short.vote) (the model is below)")
        }
        let negated = votes(["negated"])
        if !negated.isEmpty {
            lines.append("    negated: " + negated.map { "\"\($0.matched)\" (\($0.rule))" }.joined(separator: ", "))
        }
        block(
            "Grammatical cues", votes(["cue", "no-longer"]),
            empty: "no cue of tense, aspect, modality, warning or duration")
        lines.append("  Phase model")
        if let verdict = result.signals.first(where: { $0.kind == "model" }) {
            let probabilities = ["before", "during", "after"].map { phase in
                "\(phase) \(String(format: "%.2f", result.probabilities?[phase] ?? 0))"
            }
            lines.append("    \(verdict.vote) \(number(verdict.weight))  (\(probabilities.joined(separator: ", ")))")
            lines.append("    weights: \(verdict.term)")
            let parts = votes(["model-part"])
            if !parts.isEmpty {
                lines.append(
                    "    pushed by: "
                        + parts.map { "\($0.rule) → \($0.vote) \(number($0.weight))" }
                        .joined(separator: ", "))
            }
            for feature in votes(["model-feature"]) {
                let source = feature.matched == feature.term ? "" : " in \"\(feature.matched)\""
                lines.append(
                    "    \(feature.vote) +\(number(feature.weight))  \(feature.rule) \"\(feature.term)\"\(source)")
            }
        } else {
            lines.append("    not consulted")
        }
        let fields = votes(["field"])
        if !fields.isEmpty {
            lines.append("  Reporter's fields")
            for field in fields { lines.append("    \(field.rule) = \(field.matched) → \(field.vote)") }
        }
        return lines.joined(separator: "\n")
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
