import DeskCore
import DeskTestSupport
import Foundation

/// One labelled report.
struct LabelledReport: Decodable {
    var lang: String
    var phase: String
    var text: String
    /// The writer's English translation, in the residents' languages' files: a reference for
    /// tests, never read by the classifier.
    var gloss: String?
}

/// Reads a JSON-lines fixture from `Tests/ClassifierTests/Fixtures`.
func labelledReports(_ name: String, in folder: String = "Fixtures") throws -> [LabelledReport] {
    let url = repositoryRoot.appendingPathComponent("Tests/ClassifierTests/\(folder)/\(name)")
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map {
        try JSONDecoder().decode(LabelledReport.self, from: Data($0.utf8))
    }
}

/// Classifies text alone, as of a fixed moment.
func classify(_ text: String, lang: String? = nil) -> Classification {
    shippedClassifier.classify(
        ClassifierInput(text: text, language: lang, now: Date(timeIntervalSince1970: 1_790_000_000)))
}

/// The confidence a classification needed to pass without review: the lexicon's threshold for
/// Swedish and English, the stricter one for a report the classifier read as another language.
func reviewThreshold(_ result: Classification) -> Double {
    let settings = shippedClassifier.lexicon.settings
    return result.reviewReason == nil
        ? settings.reviewThreshold : max(settings.reviewThreshold, settings.unfamiliarReviewThreshold)
}
