/// The character trigrams the language identifier reads: each word (a run of letters and digits,
/// lower-cased, with at least one letter) padded with a space at each end, cut into runs of three
/// Unicode scalars (`" ma"`, `"maa"`, `"aa "`), each packed into one number.
///
/// Combining marks (Arabic vowel signs) and the tatweel are skipped, so `كَبير` reads as `كبير`;
/// digits stay inside words, so arabizi's `3ala` and `7ariiq` keep their `3` and `7`.
enum LanguageGrams {
    /// The padding at either end of a word, written `_` where grams are shown.
    static let padding: UInt32 = 0x20

    /// A gram packed from its three scalars (21 bits each).
    static func key(_ first: UInt32, _ second: UInt32, _ third: UInt32) -> UInt64 {
        UInt64(first) << 42 | UInt64(second) << 21 | UInt64(third)
    }

    /// The gram of a key, with `_` for the padding: `"_ma"`.
    static func text(_ key: UInt64) -> String {
        var text = ""
        for shift in [42, 21, 0] {
            let value = UInt32((key >> UInt64(shift)) & 0x1F_FFFF)
            text.unicodeScalars.append(value == padding ? "_" : Unicode.Scalar(value) ?? "?")
        }
        return text
    }

    /// The key of a gram written as `text` shows it; nil unless it is three scalars.
    static func key(_ text: Substring) -> UInt64? {
        let scalars = text.unicodeScalars.map { $0 == "_" ? padding : $0.value }
        guard scalars.count == 3 else { return nil }
        return key(scalars[0], scalars[1], scalars[2])
    }

    /// The words of `text` with their script (the script of their first letter), each as its
    /// scalars with the padding at both ends.
    static func words(_ text: String) -> [(script: WritingScript, scalars: [UInt32])] {
        var words: [(WritingScript, [UInt32])] = []
        var current: [UInt32] = [padding]
        var script: WritingScript?
        func finish() {
            if let script, current.count > 1 { words.append((script, current + [padding])) }
            current = [padding]
            script = nil
        }
        for scalar in text.lowercased().unicodeScalars {
            if let letter = WritingScript.of(scalar) {
                if script == nil { script = letter }
                current.append(scalar.value)
            } else if scalar.properties.numericType != nil, scalar.properties.generalCategory == .decimalNumber {
                current.append(scalar.value)
            } else if scalar.properties.generalCategory == .nonspacingMark || scalar.value == 0x640 {
                continue
            } else {
                finish()
            }
        }
        finish()
        return words
    }

    /// The word of `scalars` (as `words` gives them) without its padding.
    static func string(_ scalars: [UInt32]) -> String {
        String(String.UnicodeScalarView(scalars.dropFirst().dropLast().compactMap(Unicode.Scalar.init)))
    }

    /// Calls `body` with the key of every gram of the words written in `script` (every word for
    /// nil), except the words in `skipping`.
    static func forEach(
        in text: String, script: WritingScript?, skipping: Set<String> = [], _ body: (UInt64) -> Void
    ) {
        for word in words(text) where script == nil || word.script == script {
            if !skipping.isEmpty, skipping.contains(string(word.scalars)) { continue }
            let scalars = word.scalars
            for start in 0...(scalars.count - 3) {
                body(key(scalars[start], scalars[start + 1], scalars[start + 2]))
            }
        }
    }
}
