import Foundation

/// How often each character trigram occurs in one language written in one script: what the
/// language identifier compares a text with. Trained by `desk-train` from the labelled corpus.
public struct LanguageProfile: Sendable, Hashable {
    /// The ISO 639 code the profile stands for (`so`; `ar` for Arabic in Arabic and in Latin letters).
    public var code: String
    public var script: WritingScript
    /// How often each gram occurred (the most common ones; the rest count as unseen).
    var counts: [UInt64: Int]
    /// How many grams the training texts had in all, kept or not.
    var total: Int
    /// How many texts it was trained on: the prior odds of the language (the desk's corpus has
    /// more Swedish and English than anything else, and so do its reports).
    public var texts: Int

    /// The number of distinct grams a smoothed probability spreads over: the same for every
    /// profile, so an unseen gram costs about as much in a small profile as in a large one.
    static let vocabulary = 20_000.0

    /// Creates a profile from gram counts.
    public init(code: String, script: WritingScript, counts: [UInt64: Int], total: Int, texts: Int) {
        self.code = code
        self.script = script
        self.counts = counts
        self.total = max(total, counts.values.reduce(0, +))
        self.texts = max(1, texts)
    }

    /// Counts the grams of `texts`, the words in `script` only, leaving out the words in
    /// `skipping` (lower-case): a new profile for `code`.
    ///
    /// Example: `LanguageProfile.counting(code: "so", script: .latin, texts: corpus, skipping: ["polis"])`.
    public static func counting(
        code: String, script: WritingScript, texts: [String], skipping: Set<String> = []
    ) -> LanguageProfile {
        var counts: [UInt64: Int] = [:]
        var total = 0
        for text in texts {
            LanguageGrams.forEach(in: text, script: script, skipping: skipping) { key in
                counts[key, default: 0] += 1
                total += 1
            }
        }
        return LanguageProfile(code: code, script: script, counts: counts, total: total, texts: texts.count)
    }

    /// The log-probability of a gram with `count` occurrences (add-½ smoothing).
    func logProbability(count: Int) -> Float {
        Float(log((Double(count) + 0.5) / (Double(total) + 0.5 * Self.vocabulary)))
    }

    /// The profile written as text, one `gram count` per line, most common first (`_ma 412`):
    /// `code script total texts` on the first line. `init(text:)` reads it back.
    public func text(keeping limit: Int) -> String {
        let kept = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)
        return
            (["\(code) \(script.rawValue) \(total) \(texts)"] + kept.map { "\(LanguageGrams.text($0.key)) \($0.value)" })
            .joined(separator: "\n")
    }

    /// The words of `text` (lower-case, as the profiles read them), in order.
    public static func words(_ text: String) -> [String] {
        LanguageGrams.words(text).map { LanguageGrams.string($0.scalars) }
    }

    /// Reads what `text(keeping:)` wrote; nil when it is not that.
    public init?(text: String) {
        var lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else { return nil }
        let head = lines.removeFirst().split(separator: " ")
        guard head.count == 4, let script = WritingScript(rawValue: String(head[1])), let total = Int(head[2]),
            let texts = Int(head[3])
        else { return nil }
        var counts: [UInt64: Int] = [:]
        for line in lines {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let key = LanguageGrams.key(parts[0]), let count = Int(parts[1]) else { return nil }
            counts[key] = count
        }
        self.init(code: String(head[0]), script: script, counts: counts, total: total, texts: texts)
    }
}
