import DeskCore
import Foundation

/// How often the category and severity the classifier gives a report's text agree with those it
/// gives the writer's English gloss of it (read as English): a reference without hand labels,
/// as good as the English lexicon is on the gloss. Reports without a gloss are skipped.
struct CategoryAgreement {
    struct Counts {
        var total = 0
        var sameCategory = 0
        /// The gloss has a category (not `other`) the text does not find at all.
        var textOther = 0
        var glossOther = 0
        var sameSeverity = 0
        var severityWithinOne = 0
    }

    var byLanguage: [String: Counts] = [:]
    var misses: [String] = []

    /// Classifies the report's text and its gloss and counts whether they agree.
    mutating func add(_ report: LabelledReport, with classifier: Classifier, now: Date) {
        guard let gloss = report.gloss, !gloss.isEmpty else { return }
        let text = classifier.classify(ClassifierInput(text: report.text, now: now))
        let reference = classifier.classify(ClassifierInput(text: gloss, language: "en", now: now))
        for key in [report.lang, "all"] {
            var counts = byLanguage[key, default: Counts()]
            counts.total += 1
            if text.category == reference.category { counts.sameCategory += 1 }
            if text.category == .other && reference.category != .other { counts.textOther += 1 }
            if reference.category == .other { counts.glossOther += 1 }
            if text.severity == reference.severity { counts.sameSeverity += 1 }
            if abs(text.severity - reference.severity) <= 1 { counts.severityWithinOne += 1 }
            byLanguage[key] = counts
        }
        if text.category != reference.category || abs(text.severity - reference.severity) > 1 {
            misses.append(
                "[\(report.lang) \(text.category.rawValue)/\(text.severity) gloss \(reference.category.rawValue)/"
                    + "\(reference.severity)] \(report.text) — \(gloss)")
        }
    }

    /// One line: per language, category agreement, text `other` where the gloss has one, and
    /// severity agreement (same, within one step).
    var summary: String {
        byLanguage.keys.sorted { ($0 == "all" ? "~" : $0) < ($1 == "all" ? "~" : $1) }.compactMap { key in
            guard let counts = byLanguage[key] else { return nil }
            func share(_ part: Int) -> String {
                "\(part)/\(counts.total) \(Tally.Count.format(100 * Double(part) / Double(max(1, counts.total))))"
            }
            return "\(key): category \(share(counts.sameCategory)) (text other, gloss not: \(counts.textOther); "
                + "gloss other: \(counts.glossOther)), severity \(share(counts.sameSeverity)), "
                + "within 1 \(share(counts.severityWithinOne))"
        }.joined(separator: "; ")
    }
}
