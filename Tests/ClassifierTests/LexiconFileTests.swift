import DeskConfig
import DeskCore
import DeskTestSupport
import Testing

/// A lexicon file deskd cannot use is refused with the file, the line and the reason.
@Suite struct LexiconFileTests {
    static let valid = """
        [settings]
        review_threshold = 0.4

        [negation]
        negators = ["inte"]
        yet = ["än"]

        [[rule]]
        name = "now"
        phase = "during"
        weight = 3
        terms = ["just nu"]
        """

    func error(_ text: String) -> ConfigError? {
        do {
            _ = try ClassifierRules.parse(text, file: "rules.toml", models: shippedModels)
            return nil
        } catch {
            return error
        }
    }

    @Test func aValidFileLoads() throws {
        let classifier = try ClassifierRules.parse(Self.valid, file: "rules.toml", models: shippedModels)
        #expect(classifier.lexicon.settings.reviewThreshold == 0.4)
        #expect(classifier.classify(ClassifierInput(text: "Brand just nu")).phase == .during)
        #expect(classifier.lexicon.rules[0].origin == "rules.toml:8")
    }

    @Test(arguments: [
        ("weight = 3", "weight = \"heavy\"", 11, "rule[1].weight: expected a number"),
        ("weight = 3", "weight = 3\ncolour = \"red\"", 12, "rule[1].colour: unknown key"),
        ("phase = \"during\"", "phase = \"soon\"", 10, "rule[1].phase: \"soon\" is not one of before, during, after"),
        ("phase = \"during\"", "category = \"arson\"", 10, "rule[1].category: \"arson\" is not one of"),
        ("phase = \"during\"", "phase = \"during\"\ncategory = \"fire\"", 8, "must vote for exactly one of"),
        ("terms = [\"just nu\"]", "terms = [\"=brand*\"]", 12, "cannot be both exact (=) and a prefix (*)"),
        ("terms = [\"just nu\"]", "terms = [\"!!\"]", 12, "has no letters or digits"),
        ("terms = [\"just nu\"]", "terms = []", 12, "has no terms"),
        ("review_threshold = 0.4", "review_threshold = 4", 2, "settings.review_threshold: 4.0 is out of range"),
        ("review_threshold = 0.4", "short_report_veto = 2", 2, "settings.short_report_veto: 2.0 is out of range"),
        ("yet = [\"än\"]", "yet = [\"än\"]\nno_longer = [\"!!\"]", 7, "negation.no_longer"),
        ("negators = [\"inte\"]", "negators = [\"inte alls\"]", 5, "must be a single word"),
        ("[[rule]]", "[[rule]]\nlang = \"de\"", 9, "rule[1].lang: \"de\" is not one of en, sv"),
        ("weight = 3", "weight = 3 3", 11, "column"),
        ("phase = \"during\"", "category = \"fire\"\ncue = true", 11, "only a phase rule can be a cue or decisive"),
    ])
    func aBrokenFileNamesLineKeyAndReason(original: String, replacement: String, line: Int, message: String) throws {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        let error = try #require(self.error(text), "accepted: \(text)")
        #expect(error.description.hasPrefix("rules.toml:\(line): "), "\(error)")
        #expect(error.description.contains(message), "\(error)")
    }

    @Test func aFileWithoutRulesIsRefused() {
        #expect(error("[settings]\nreview_threshold = 0.5\n")?.description.contains("no [[rule]] tables") == true)
    }
}
