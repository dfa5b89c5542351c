import Foundation

/// A small seeded generator (SplitMix64), so a failing random input can be reproduced.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random text that stresses text handling: several scripts, combining marks, emoji, control
/// characters, long runs, and words from the desk's own vocabulary.
public enum RandomInput {
    private static let pieces: [String] = [
        "brand", "skottlossning", "pågår", "inte", "ännu", "efter", "oro", "fire", "not", "yet", "shots", " ", "  ",
        ",", ".", "!", "?", "\n", "\t", "\u{0}", "\u{7}", "\u{200B}", "\u{FEFF}", "e\u{301}", "å", "Ö", "ß", "İ",
        "حريق", "пожар", "火事", "🔥", "👩‍👩‍👧", "🇸🇪", "\u{202E}", "\\", "\"", "{", "}", "[", "]", "-", "*", "=",
        String(repeating: "a", count: 300), String(repeating: "x̸", count: 50), "1", "42", "-7", "1e309",
    ]

    /// A string of up to `maxPieces` random pieces.
    public static func text(_ rng: inout SeededGenerator, maxPieces: Int = 40) -> String {
        let count = Int.random(in: 0...maxPieces, using: &rng)
        return (0..<count).map { _ in
            Bool.random(using: &rng)
                ? pieces[Int.random(in: 0..<pieces.count, using: &rng)]
                : String(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &rng)))
        }.joined()
    }

    /// Random JSON-ish bytes: valid documents, their truncations and corruptions, and noise.
    public static func jsonBytes(_ rng: inout SeededGenerator) -> [UInt8] {
        let value = json(&rng, depth: Int.random(in: 0...40, using: &rng))
        var bytes = Array(value.utf8)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0:
            return bytes
        case 1:
            return Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
        case 2:
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            return bytes
        default:
            return (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
    }

    private static func json(_ rng: inout SeededGenerator, depth: Int) -> String {
        let kind = depth <= 0 ? Int.random(in: 0..<4, using: &rng) : Int.random(in: 0..<6, using: &rng)
        switch kind {
        case 0:
            return ["null", "true", "false", "0", "-1.5e3", "123456789012345678901234567890"][
                Int.random(in: 0..<6, using: &rng)]
        case 1, 2, 3:
            let text = text(&rng, maxPieces: 6).replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
                .replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\u{0}", with: "\\u0000")
                .replacingOccurrences(of: "\u{7}", with: "\\u0007")
            return "\"\(text)\""
        case 4:
            let count = Int.random(in: 0...4, using: &rng)
            return "[" + (0..<count).map { _ in json(&rng, depth: depth - 1) }.joined(separator: ",") + "]"
        default:
            let keys = ["area", "text", "phase", "injured", "ongoing", "reporter", "name", "x", "text"]
            let count = Int.random(in: 0...5, using: &rng)
            return "{"
                + (0..<count).map { _ in
                    "\"\(keys[Int.random(in: 0..<keys.count, using: &rng)])\":\(json(&rng, depth: depth - 1))"
                }.joined(separator: ",") + "}"
        }
    }
}
