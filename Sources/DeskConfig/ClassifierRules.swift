import DeskCore
import Foundation

/// The classifier's lexicon file (`config/classifier.toml`): settings, negation words and
/// `[[rule]]` tables. Every problem is reported with the file, the line and the key.
public enum ClassifierRules {
    /// Reads the file at `path` and compiles it into a classifier reading `models`.
    public static func load(path: String, models: ClassifierModels) throws(ConfigError) -> Classifier {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(
                file: path, line: nil, key: nil,
                message: "cannot read the classifier rules (\(DeskConfiguration.reason(error)))")
        }
        return try parse(text, file: path, models: models)
    }

    /// Parses and compiles lexicon text, to read with `models`; `file` names it in errors.
    public static func parse(_ text: String, file: String, models: ClassifierModels) throws(ConfigError) -> Classifier {
        let lexicon = try lexicon(text, file: file)
        do {
            return try Classifier(lexicon, models: models)
        } catch {
            throw ConfigError(file: file, line: nil, key: nil, message: error.description)
        }
    }

    /// Parses lexicon text without compiling it.
    public static func lexicon(_ text: String, file: String) throws(ConfigError) -> Lexicon {
        var document = try ConfigTable.document(text, file: file)

        var settingsTable = try document.table("settings")
        var settings = Lexicon.Settings()
        settings.reviewThreshold = try settingsTable.number("review_threshold", in: 0...1) ?? settings.reviewThreshold
        settings.unfamiliarReviewThreshold =
            try settingsTable.number("unfamiliar_review_threshold", in: 0...1) ?? settings.unfamiliarReviewThreshold
        settings.negationWindow = try settingsTable.integer("negation_window", in: 0...20) ?? settings.negationWindow
        settings.presentBonus = try settingsTable.number("present_bonus", in: 0...100) ?? settings.presentBonus
        settings.notYetWeight = try settingsTable.number("not_yet_weight", in: 0...100) ?? settings.notYetWeight
        settings.noLongerWeight =
            try settingsTable.number("no_longer_weight", in: 0...100) ?? settings.noLongerWeight
        settings.confidenceDamping =
            try settingsTable.number("confidence_damping", in: 0...100) ?? settings.confidenceDamping
        settings.shortReportLead =
            try settingsTable.number("short_report_lead", in: 1...100) ?? settings.shortReportLead
        settings.shortReportVeto =
            try settingsTable.number("short_report_veto", in: 0...1) ?? settings.shortReportVeto
        try settingsTable.rejectUnknownKeys()

        var negation = try document.table("negation")
        let negators = try checkedTerms(&negation, "negators", single: true)
        let yet = try checkedTerms(&negation, "yet", single: false)
        let noLonger = try checkedTerms(&negation, "no_longer", single: false)
        let breakers = try checkedTerms(&negation, "clause_breakers", single: true)
        try negation.rejectUnknownKeys()

        var languageTable = try document.table("language")
        var markers: [String: [String]] = [:]
        for language in languageTable.table.keys {
            markers[language] = try checkedTerms(&languageTable, language, single: true)
        }
        let languages = Set(markers.keys).union(["sv", "en"])

        var rules: [Lexicon.Rule] = []
        for var table in try document.tables("rule") {
            rules.append(try rule(&table, languages: languages))
        }
        if rules.isEmpty {
            throw ConfigError(
                file: file, line: nil, key: "rule", message: "no [[rule]] tables; the classifier needs terms")
        }
        try document.rejectUnknownKeys(known: ["settings", "negation", "language", "rule"])
        return Lexicon(
            rules: rules, negators: negators, yetTerms: yet, noLongerTerms: noLonger, clauseBreakers: breakers,
            languageMarkers: markers, settings: settings)
    }

    private static let ruleKeys = [
        "name", "phase", "category", "severity", "weight", "lang", "negatable", "present", "cue", "decisive", "terms",
    ]

    private static func rule(_ table: inout ConfigTable, languages: Set<String>) throws(ConfigError) -> Lexicon.Rule {
        guard let name = try table.string("name"), !name.isEmpty else {
            throw table.error(nil, "\(table.path): every rule needs a name")
        }
        let phase = try table.string("phase")
        let category = try table.string("category")
        let severity = try table.integer("severity", in: -4...4)
        let target: Lexicon.Target
        switch (phase, category, severity) {
        case (let phase?, nil, nil):
            guard let value = Phase(assignable: phase) else {
                throw table.error("phase", "\"\(phase)\" is not one of \(Phase.assignableNames)")
            }
            target = .phase(value)
        case (nil, let category?, nil):
            guard let value = Category(rawValue: category) else {
                let known = Category.allCases.map(\.rawValue).joined(separator: ", ")
                throw table.error("category", "\"\(category)\" is not one of \(known)")
            }
            target = .category(value)
        case (nil, nil, let steps?):
            target = .severity(steps)
        default:
            throw table.error(nil, "rule \"\(name)\" must vote for exactly one of phase, category or severity")
        }
        let weight = try table.number("weight", in: 0...100)
        if weight == nil, severity == nil {
            throw table.error(nil, "rule \"\(name)\" needs a weight")
        }
        if weight != nil, severity != nil {
            throw table.error("weight", "a severity rule adds its steps; it takes no weight")
        }
        let language = try table.string("lang")
        if let language, !languages.contains(language) {
            let known = languages.sorted().joined(separator: ", ")
            throw table.error(
                "lang", "\"\(language)\" is not one of \(known) (omit lang for all; add markers under [language])")
        }
        let negatable = try table.boolean("negatable") ?? false
        let present = try table.boolean("present") ?? false
        let cue = try table.boolean("cue") ?? false
        let decisive = try table.boolean("decisive") ?? false
        if cue || decisive, phase == nil {
            throw table.error(cue ? "cue" : "decisive", "only a phase rule can be a cue or decisive")
        }
        let terms = try checkedTerms(&table, "terms", single: false)
        if terms.isEmpty { throw table.error("terms", "rule \"\(name)\" has no terms") }
        try table.rejectUnknownKeys(known: ruleKeys)
        let line = table.table.line
        return Lexicon.Rule(
            name: name, target: target, weight: weight ?? 0, terms: terms, negatable: negatable, present: present,
            cue: cue, decisive: decisive, language: language, origin: "\(table.file):\(line)"
        )
    }

    /// A list of terms, each checked by compiling it, so a bad one is reported at its line.
    private static func checkedTerms(
        _ table: inout ConfigTable, _ key: String, single: Bool
    ) throws(ConfigError) -> [String] {
        let terms = try table.strings(key) ?? []
        for term in terms {
            let pattern: TermPattern
            do {
                pattern = try TermPattern(term)
            } catch {
                throw table.error(key, error.message)
            }
            if single, pattern.words.count != 1 {
                throw table.error(key, "\"\(term)\" must be a single word")
            }
        }
        return terms
    }
}
