import DeskCore

/// Right answers out of all, overall and by language and phase, with the `unclassified` count.
struct Tally {
    struct Count {
        var right = 0
        var total = 0
        var percent: Double { total == 0 ? 0 : 100 * Double(right) / Double(total) }
        var text: String { "\(right)/\(total) \(Self.format(percent))" }

        static func format(_ value: Double) -> String {
            let tenths = (value * 10).rounded() / 10
            return "\(tenths) %"
        }
    }

    var overall = Count()
    var groups: [String: Count] = [:]
    var unclassified = 0
    /// The answers marked `needs_review`, and how many of them were right anyway.
    var review = Count()
    var misses: [String] = []

    /// Counts one classification.
    mutating func add(_ report: LabelledReport, _ result: Classification) {
        add(report, answer: result.phase)
        if result.needsReview {
            review.total += 1
            if result.phase.rawValue == report.phase { review.right += 1 }
        }
    }

    /// Counts one answer.
    mutating func add(_ report: LabelledReport, answer: Phase) {
        let right = answer.rawValue == report.phase
        for key in ["lang \(report.lang)", "phase \(report.phase)"] {
            groups[key, default: Count()].total += 1
            if right { groups[key, default: Count()].right += 1 }
        }
        overall.total += 1
        if right { overall.right += 1 }
        if answer == .unclassified { unclassified += 1 }
        if !right { misses.append("[\(report.lang) \(report.phase)→\(answer.rawValue)] \(report.text)") }
    }

    /// One summary line: overall, per language, per phase, unclassified.
    var summary: String {
        let languages = groups.keys.filter { $0.hasPrefix("lang ") }.sorted()
        let keys = languages + ["phase before", "phase during", "phase after"]
        let parts = keys.compactMap { key in groups[key].map { "\(key) \($0.text)" } }
        let unreviewed = Count(right: overall.right - review.right, total: overall.total - review.total)
        return "overall \(overall.text); " + parts.joined(separator: "; ") + "; unclassified \(unclassified)"
            + "; needs_review \(review.total) (right \(review.text)), the rest right \(unreviewed.text)"
    }
}
