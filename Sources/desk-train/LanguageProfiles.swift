import DeskCore
import Foundation

/// The language identifier's profiles: trained from the labelled corpus (the `lang` of each
/// report; `prs`, Dari, counts as `fa`), one per language and script, written as an installed
/// file beside the phase models (`model/language-profiles.dwf`), and measured.
enum LanguageProfiles {
    /// The most common grams kept per profile.
    static let kept = 1_000

    /// The ISO 639 code the identifier answers for a corpus `lang`.
    static func code(_ lang: String) -> String { lang == "prs" ? "fa" : lang }

    /// One profile per language and script among the reports (Latin and Arabic letters; Ethiopic
    /// needs none), sorted by code and script.
    ///
    /// The Latin-letter texts of the other languages mix in Swedish and English ("polis",
    /// "fritidsgård", "info") and the areas' names: the words the Swedish and English reports use
    /// more than once are left out of those profiles, so that they stay Somali, arabizi, finglish
    /// and Tigrinya, and a Swedish report is not read as one of them.
    static func train(_ reports: [LabelledReport]) -> [LanguageProfile] {
        var seen: [String: Int] = [:]
        for report in reports where report.lang == "sv" || report.lang == "en" {
            for word in LanguageProfile.words(report.text) { seen[word, default: 0] += 1 }
        }
        let swedishAndEnglish = Set(seen.filter { $0.value >= 2 }.keys)
        var texts: [String: [String]] = [:]
        for report in reports {
            guard let script = LanguageIdentifier.script(of: report.text), script == .latin || script == .arabic
            else { continue }
            texts[code(report.lang) + " " + script.rawValue, default: []].append(report.text)
        }
        return texts.keys.sorted().compactMap { key in
            let parts = key.split(separator: " ")
            guard let script = WritingScript(rawValue: String(parts[1])), let group = texts[key] else { return nil }
            let code = String(parts[0])
            let skipping = code == "sv" || code == "en" ? [] : swedishAndEnglish
            return LanguageProfile.counting(code: code, script: script, texts: group, skipping: skipping)
        }
    }

    /// Profiles as the identifier ships them: only the `kept` most common grams of each.
    static func shippable(_ profiles: [LanguageProfile]) -> [LanguageProfile] {
        profiles.compactMap { LanguageProfile(text: $0.text(keeping: kept)) }
    }

    /// The profiles as the identifier's file holds them (`WeightsFile.bytes(ofProfiles:version:)`).
    static func texts(_ profiles: [LanguageProfile]) -> [String] {
        profiles.map { $0.text(keeping: kept) }
    }

    /// Right answers per language (the corpus `lang`, `prs` as `fa`), and what the misses were named.
    struct Tally {
        var right: [String: Int] = [:]
        var total: [String: Int] = [:]
        var answers: [String: [String: Int]] = [:]
        var misses: [String] = []

        mutating func add(_ report: LabelledReport, _ answer: String) {
            let truth = LanguageProfiles.code(report.lang)
            total[truth, default: 0] += 1
            answers[truth, default: [:]][answer, default: 0] += 1
            if answer == truth {
                right[truth, default: 0] += 1
            } else {
                misses.append("[\(truth)→\(answer)] \(report.text)")
            }
        }

        var summary: String {
            let all = total.values.reduce(0, +)
            let allRight = right.values.reduce(0, +)
            var parts = [
                "overall \(allRight)/\(all) \(DeskTally.Count.format(100 * Double(allRight) / Double(max(all, 1))))"
            ]
            for language in total.keys.sorted() {
                let count = total[language] ?? 0
                let hit = right[language] ?? 0
                let wrong = (answers[language] ?? [:]).filter { $0.key != language }.sorted { $0.key < $1.key }
                    .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                parts.append(
                    "\(language) \(hit)/\(count) \(DeskTally.Count.format(100 * Double(hit) / Double(max(count, 1))))"
                        + (wrong.isEmpty ? "" : " (else: \(wrong))"))
            }
            return parts.joined(separator: "; ")
        }
    }
}

/// The phase tally's name where `LanguageProfiles.Tally` would shadow it.
typealias DeskTally = Tally
