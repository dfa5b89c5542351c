import DeskCore
import Testing

/// Issue 32's targets on the residents' languages, on the held-out batches (`BlindMultilingual/`:
/// the first blind round, never learnt from — `make train` reads `Fixtures/` only): each language
/// at least 90 % right, and of the reports not sent to review at least 97 % right. A second look,
/// not a blind estimate (the blind scores of each round are in the README); this guards them.
@Suite struct ResidentsLanguagesHeldOutTests {
    static let languages = ["ar", "fa", "so", "ti"]

    /// Every report of one language's three batches, with its classification.
    static func classified(_ language: String) throws -> [(report: LabelledReport, result: Classification)] {
        try (1...3).flatMap { batch in
            try labelledReports("\(language)-\(batch).jsonl", in: "BlindMultilingual")
        }.map { ($0, classify($0.text)) }
    }

    @Test(arguments: languages) func eachLanguageIsRightNineTimesInTen(language: String) throws {
        let reports = try Self.classified(language)
        let right = reports.filter { $0.result.phase.rawValue == $0.report.phase }.count
        print("BlindMultilingual/\(language): \(right)/\(reports.count) right")
        #expect(reports.count == 180)
        #expect(Double(right) >= 0.90 * Double(reports.count), "\(language): \(right)/\(reports.count)")
    }

    @Test func ofThoseNotSentToReviewAtLeast97PercentAreRight() throws {
        var kept = 0
        var right = 0
        for language in Self.languages {
            for (report, result) in try Self.classified(language) where !result.needsReview {
                kept += 1
                if result.phase.rawValue == report.phase { right += 1 }
            }
        }
        print("BlindMultilingual: \(right)/\(kept) right of those not sent to review")
        #expect(kept >= 400, "\(kept) of 720 kept: review takes nearly everything")
        #expect(Double(right) >= 0.97 * Double(kept), "\(right)/\(kept)")
    }

    /// A report that goes to review names the language its reader must read.
    @Test(arguments: languages) func reviewNamesTheLanguage(language: String) throws {
        let name = ["ar": "Arabic", "fa": "Persian", "so": "Somali", "ti": "Tigrinya"][language] ?? language
        for (report, result) in try Self.classified(language) where result.needsReview && result.language == language {
            #expect(result.reviewReason?.contains(name) == true, "\(report.text): \(result.reviewReason ?? "none")")
        }
    }
}
