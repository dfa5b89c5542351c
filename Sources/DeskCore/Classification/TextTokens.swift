import Foundation

/// Text cut into lower-case words, the way the classifier reads it.
///
/// Words are runs of letters and digits (any script), lower-cased with Unicode case folding that
/// keeps å, ä and ö, and composed to NFC so `a` + combining ring reads as `å`. Everything else
/// separates words; `.`, `,`, `;`, `:`, `!`, `?`, their Arabic (`،` `؛` `؟`) and Ethiopic (`።`
/// `፣` `፤` `፧`) forms, line breaks and the lexicon's clause breakers (`men`, `but`) also end a
/// clause, the scope of negation and of phrases.
///
/// Arabic-script words are read as writers vary them: vowel signs and the tatweel are dropped,
/// a zero-width non-joiner joins (`می‌خواهم` reads as `میخواهم`), the alef forms `أ إ آ ٱ` read
/// as `ا`, Persian `ی`, `ى` and `ي` as `ي`, Persian `ک` as `ك`, `ة` as `ه`, and Arabic-Indic
/// digits as 0–9. Nothing changes for Latin letters.
struct TextTokens {
    struct Token {
        var start: Int
        var end: Int
        var clause: Int
    }

    /// The UTF-8 bytes of all words, back to back.
    private(set) var bytes: [UInt8] = []
    private(set) var tokens: [Token] = []
    /// Whether the text had a word at all, counting clause breakers (`men` alone is a word).
    private(set) var hasWords = false

    init(_ text: String, breakers: Set<[UInt8]> = []) {
        bytes.reserveCapacity(text.utf8.count)
        var clause = 0
        var start = 0
        var inWord = false
        for original in Self.normalised(text).unicodeScalars {
            guard let scalar = Self.arabicForm(original) else { continue }
            if Self.isWordScalar(scalar) {
                if !inWord {
                    start = bytes.count
                    inWord = true
                }
                Self.appendUTF8(scalar, to: &bytes)
                continue
            }
            if inWord {
                clause = endWord(start: start, clause: clause, breakers: breakers)
                inWord = false
            }
            if Self.endsClause(scalar) { clause += 1 }
        }
        if inWord { _ = endWord(start: start, clause: clause, breakers: breakers) }
    }

    var count: Int { tokens.count }

    /// The bytes of word `index`.
    func word(_ index: Int) -> ArraySlice<UInt8> { bytes[tokens[index].start..<tokens[index].end] }

    /// Words `from...through`, joined by spaces, as text.
    func text(_ from: Int, _ through: Int) -> String {
        if from == through { return String(decoding: word(from), as: UTF8.self) }
        var joined: [UInt8] = []
        for index in from...through {
            if index > from { joined.append(0x20) }
            joined.append(contentsOf: word(index))
        }
        return String(decoding: joined, as: UTF8.self)
    }

    private mutating func endWord(start: Int, clause: Int, breakers: Set<[UInt8]>) -> Int {
        hasWords = true
        if !breakers.isEmpty, breakers.contains(Array(bytes[start...])) {
            bytes.removeSubrange(start...)
            return clause + 1
        }
        tokens.append(Token(start: start, end: bytes.count, clause: clause))
        return clause
    }

    private static func normalised(_ text: String) -> String {
        let lowered = text.lowercased()
        // Composing is only needed when there is something to compose; most reports have nothing.
        guard
            lowered.unicodeScalars.contains(where: {
                $0.value >= 0x300 && $0.properties.canonicalCombiningClass != .notReordered
            })
        else { return lowered }
        return lowered.precomposedStringWithCanonicalMapping
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A)
        }
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil
    }

    private static func endsClause(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ".", ",", ";", ":", "!", "?", "\n", "\r", "\u{2026}", "\u{2028}", "\u{2029}": return true
        // Arabic comma, semicolon, question mark and full stop; Ethiopic full stop, comma, semicolon, question mark.
        case "\u{060C}", "\u{061B}", "\u{061F}", "\u{06D4}", "\u{1362}", "\u{1363}", "\u{1364}", "\u{1367}": return true
        default: return false
        }
    }

    /// An Arabic-script scalar as the classifier reads it (see the type's summary); nil for one it
    /// skips (a vowel sign, the tatweel, a zero-width non-joiner). Any other scalar as it is.
    private static func arabicForm(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        guard value >= 0x600 else { return scalar }
        switch value {
        case 0x64B...0x65F, 0x670, 0x640, 0x200C: return nil
        case 0x622, 0x623, 0x625, 0x671: return "\u{0627}"
        case 0x649, 0x6CC: return "\u{064A}"
        case 0x6A9: return "\u{0643}"
        case 0x629: return "\u{0647}"
        case 0x660...0x669: return Unicode.Scalar(value - 0x660 + 0x30)
        case 0x6F0...0x6F9: return Unicode.Scalar(value - 0x6F0 + 0x30)
        default: return scalar
        }
    }

    private static func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        if scalar.isASCII {
            bytes.append(UInt8(scalar.value))
        } else {
            UTF8.encode(scalar) { bytes.append($0) }
        }
    }
}
