import Foundation

/// Text cut into lower-case words, the way the classifier reads it.
///
/// Words are runs of letters and digits (any script), lower-cased with Unicode case folding that
/// keeps å, ä and ö, and composed to NFC so `a` + combining ring reads as `å`. Everything else
/// separates words; `.`, `,`, `;`, `:`, `!`, `?`, line breaks and the lexicon's clause breakers
/// (`men`, `but`) also end a clause, the scope of negation and of phrases.
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
        for scalar in Self.normalised(text).unicodeScalars {
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
        default: return false
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
