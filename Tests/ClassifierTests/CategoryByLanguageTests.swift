import DeskCore
import Foundation
import Testing

/// Issue 32: category and severity in Arabic, Persian/Dari, Somali and Tigrinya from the lexicon's
/// words in those languages, with the signals that decided them, as for Swedish and English.
@Suite struct CategoryByLanguageTests {
    /// The texts are this test's own, in no corpus.
    @Test(arguments: [
        ("ar", "إطلاق رصاص قرب الساحة في رينكبي الآن، شاب مصاب على الأرض", Category.shooting, "رصاص", ["weapons"]),
        ("fa", "یک مرد با چاقو به پسرم حمله کرد و فرار کرد", Category.stabbing, "چاقو", ["weapons"]),
        (
            "so", "Dab ayaa ka kacay guriga, carruur ayaa gudaha ku xayiran", Category.fire, "dab",
            ["children", "critical"]
        ),
        ("ti", "ኣብ ቤት ትምህርቲ ተኹሲ ኣሎ፡ ቆልዑ ይሃድሙ ኣለዉ", Category.shooting, "ተኹሲ", ["children"]),
    ])
    func categoryAndSeverityComeWithTheirSignals(
        code: String, text: String, category: Category, term: String, severityRules: [String]
    ) {
        let result = classify(text)
        #expect(result.language == code)
        #expect(result.category == category)
        #expect(
            result.signals.contains { $0.kind == "category" && $0.vote == category.rawValue && $0.matched == term },
            "\(result.signals)")
        let raised = Set(result.signals.filter { $0.kind == "severity" }.map(\.rule))
        #expect(raised == Set(severityRules), "\(result.signals)")
        let base = result.phase == .during ? 3 : result.phase == .before ? 1 : 2
        #expect(result.severity == min(5, base + severityRules.count))
    }

    /// On the held-out batches (whose words no one read to write the lexicon's), the category of
    /// each report's text agrees with the category of its writer's English gloss, read with the
    /// English rules, at least as often as measured when the words were added (ar 71.7 %, fa 75.6 %,
    /// prs 83.3 %, so 80.0 %, ti 68.3 %; 32.8 % before): a floor of 65 % per language.
    @Test func theHeldOutBatchesCategoriesAgreeWithTheirGlosses() throws {
        var agree: [String: (same: Int, total: Int)] = [:]
        for language in ["ar", "fa", "so", "ti"] {
            for batch in 1...3 {
                for report in try labelledReports("\(language)-\(batch).jsonl", in: "BlindMultilingual") {
                    let gloss = try #require(report.gloss)
                    let same = classify(report.text).category == classify(gloss, lang: "en").category
                    let key = report.lang == "prs" ? "fa" : report.lang
                    agree[key, default: (0, 0)].total += 1
                    if same { agree[key, default: (0, 0)].same += 1 }
                }
            }
        }
        #expect(agree.count == 4)
        for (language, counts) in agree {
            #expect(counts.total == 180)
            #expect(Double(counts.same) >= 0.65 * Double(counts.total), "\(language): \(counts.same)/\(counts.total)")
        }
    }
}
