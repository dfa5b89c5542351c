import DeskCore
import Testing

/// Accuracy on labelled reports: the development corpus shared with the project, the desk's own
/// examples and the blind batches. All are training data now (the model learnt from them), so
/// this guards against regressions; the estimates are the blind scores and `make cv` (README).
@Suite struct CorpusAccuracyTests {
    struct Tally: CustomStringConvertible {
        var right = 0
        var total = 0
        var accuracy: Double { total == 0 ? 1 : Double(right) / Double(total) }
        var description: String { "\(right)/\(total)" }
    }

    static func measure(_ reports: [LabelledReport]) -> (overall: Tally, groups: [String: Tally], misses: [String]) {
        var overall = Tally()
        var groups: [String: Tally] = [:]
        var misses: [String] = []
        for report in reports {
            let result = classify(report.text)
            let right = result.phase.rawValue == report.phase
            for key in ["phase:\(report.phase)", "lang:\(report.lang)", "overall"] {
                var tally = key == "overall" ? overall : groups[key, default: Tally()]
                tally.total += 1
                if right { tally.right += 1 }
                if key == "overall" { overall = tally } else { groups[key] = tally }
            }
            if !right {
                let votes = result.signals.map { "\($0.matched)→\($0.vote)" }.joined(separator: ", ")
                misses.append("[\(report.lang) \(report.phase)→\(result.phase.rawValue)] \(report.text) {\(votes)}")
            }
        }
        return (overall, groups, misses)
    }

    @Test(arguments: [
        "phase-dev.jsonl", "desk-examples.jsonl", "desk-holdout.jsonl", "batch-1.jsonl", "batch-2.jsonl",
        "batch-3.jsonl", "batch-4.jsonl", "batch-5.jsonl", "batch-6.jsonl", "batch-7.jsonl", "batch-8.jsonl",
    ])
    func accuracy(fixture: String) throws {
        let reports = try labelledReports(fixture)
        let (overall, groups, misses) = Self.measure(reports)
        print("\(fixture): overall \(overall) \(groups.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" })")
        for miss in misses { print("  miss \(miss)") }
        #expect(overall.accuracy >= 0.95, "overall \(overall)")
        for (group, tally) in groups {
            #expect(tally.accuracy >= 0.90, "\(group) \(tally)")
        }
    }

    /// Held out: batches under `Blind/` were scored blind and are not learnt from (`make train`
    /// reads `Fixtures/` only), so they keep measuring text the model has not seen, at the issue's
    /// thresholds: 95 % overall, 92 % per language and per phase, and never `unclassified`.
    @Test(arguments: ["batch-9.jsonl"])
    func heldOutAccuracy(batch: String) throws {
        let reports = try labelledReports(batch, in: "Blind")
        let (overall, groups, misses) = Self.measure(reports)
        print("Blind/\(batch): overall \(overall) \(groups.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" })")
        for miss in misses { print("  miss \(miss)") }
        #expect(reports.count == 180)
        #expect(overall.accuracy >= 0.95, "overall \(overall)")
        for (group, tally) in groups {
            #expect(tally.accuracy >= 0.92, "\(group) \(tally)")
        }
        #expect(reports.allSatisfy { classify($0.text).phase != .unclassified })
    }
}
