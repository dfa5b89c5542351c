import Foundation

/// What the phase model reads of a report: hashed words, word pairs and character n-grams of the
/// text, and the phase scores of the lexicon's rules and of its grammatical cues.
///
/// Text features are hashed (FNV-1a, 32 bits) into `2^bucketBits` buckets; each occurrence
/// counts 1, and the vector is scaled to unit length so long and short reports weigh alike —
/// except very short ones (`fullLength`).
/// Character n-grams (3 to 5 bytes of the word padded as `<word>`) catch inflections, compounds
/// and misspellings; in a word of Arabic or Ethiopic letters (two and three bytes each) the grams
/// are 2 to 4 letters instead, so they are letters and not parts of them; word pairs catch tense and aspect (`har precis`, `has broken`). The words of a
/// cue the lexicon found negated (`brinner` in "det brinner inte", `burning` in "isn't burning")
/// are hashed apart, with their pairs and n-grams: the model does not read them as the plain word.
public struct PhaseFeatures: Sendable, Hashable {
    /// Where a hashed feature came from, to explain it.
    public enum Kind: UInt8, Sendable, Hashable {
        case word = 1
        case pair = 2
        case chars = 3

        /// `word`, `pair` or `chars`, as signals name it.
        public var name: String {
            switch self {
            case .word: return "word"
            case .pair: return "pair"
            case .chars: return "chars"
            }
        }
    }

    /// One hashed feature's origin: its kind, the word it starts at and, for character n-grams,
    /// the byte range inside the padded word.
    struct Origin: Hashable {
        var kind: Kind
        var token: Int32
        var offset: UInt8
        var length: UInt8
    }

    /// A report with fewer hashed features than this (about eight words) counts as if it had this
    /// many: a word or two cannot make the model sure, so thin reports get a low confidence.
    static let fullLength = 160

    /// The names of the dense features, in order.
    public static let denseNames = [
        "lexicon before", "lexicon during", "lexicon after", "cues before", "cues during", "cues after", "present",
        "not yet",
    ]

    /// Buckets of the hashed text features, one entry per occurrence.
    public var buckets: [Int32] = []
    /// The value of every occurrence (all the same: 1 / sqrt(max(occurrences, fullLength))).
    public var value: Float = 0
    /// `log(1 + score)` of the lexicon's and the cues' phase scores, then 1 for a `present` cue
    /// and 1 for a "not yet", as `denseNames` lists them; scaled down like the text features for a
    /// report shorter than `fullLength`.
    public var dense: [Float] = []
    var origins: [Origin] = []

    init(tokens: TextTokens, evidence: TextEvidence, bucketBits: Int) {
        let mask = UInt32((1 << bucketBits) - 1)
        buckets.reserveCapacity(tokens.count * 20)
        origins.reserveCapacity(tokens.count * 20)
        tokens.bytes.withUnsafeBufferPointer { bytes in
            let negated = evidence.negatedWords
            func isNegated(_ index: Int) -> Bool { index < negated.count && negated[index] }
            for index in 0..<tokens.count {
                let token = tokens.tokens[index]
                // A negated word's features are hashed apart: `brinner` in "brinner inte" is not `brinner`.
                let tag: UInt8 = isNegated(index) ? 0x80 : 0
                var hash = Self.fnv(Kind.word.rawValue | tag)
                hash = Self.fnv(hash, bytes, token.start, token.end)
                add(hash & mask, Origin(kind: .word, token: Int32(index), offset: 0, length: 0))
                if index + 1 < tokens.count, tokens.tokens[index + 1].clause == token.clause {
                    let next = tokens.tokens[index + 1]
                    let pairTag: UInt8 = isNegated(index) || isNegated(index + 1) ? 0x80 : 0
                    var pair = Self.fnv(Kind.pair.rawValue | pairTag)
                    pair = Self.fnv(pair, bytes, token.start, token.end)
                    pair = Self.fnv(pair, 0x20)
                    pair = Self.fnv(pair, bytes, next.start, next.end)
                    add(pair & mask, Origin(kind: .pair, token: Int32(index), offset: 0, length: 0))
                }
                if Self.isWide(bytes, token.start, token.end) {
                    addLetterGrams(bytes, token.start, token.end, token: index, mask: mask, tag: tag)
                } else {
                    addCharacterGrams(bytes, token.start, token.end, token: index, mask: mask, tag: tag)
                }
            }
        }
        value = buckets.isEmpty ? 0 : 1 / Float(max(buckets.count, Self.fullLength)).squareRoot()
        // The rules' scores of a thin report count less too, by the same factor.
        let thinness = Float(fullness).squareRoot()
        for scores in [evidence.phaseScores, evidence.cueScores] {
            for phase in PhaseModel.phases {
                let score: Double = max(0, scores[phase] ?? 0)
                dense.append(Float(log1p(score)) * thinness)
            }
        }
        dense.append(evidence.isPresent ? thinness : 0)
        dense.append(evidence.isNotYet ? thinness : 0)
    }

    /// How much of a full-length report this is: hashed features over `fullLength`, at most 1.
    public var fullness: Double { min(1, Double(buckets.count) / Double(Self.fullLength)) }

    private mutating func add(_ bucket: UInt32, _ origin: Origin) {
        buckets.append(Int32(bitPattern: bucket))
        origins.append(origin)
    }

    /// The 3-, 4- and 5-byte grams of `<word>`; a word too short for a gram gives none of that size.
    private mutating func addCharacterGrams(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, token: Int, mask: UInt32, tag: UInt8
    ) {
        let padded = end - start + 2
        guard padded <= 255 else { return }
        func byte(_ position: Int) -> UInt8 {
            position == 0 ? 0x3C : position == padded - 1 ? 0x3E : bytes[start + position - 1]
        }
        for length in 3...5 where length <= padded {
            for offset in 0...(padded - length) {
                var hash = Self.fnv(Kind.chars.rawValue | tag)
                for position in offset..<(offset + length) { hash = Self.fnv(hash, byte(position)) }
                add(
                    hash & mask,
                    Origin(kind: .chars, token: Int32(token), offset: UInt8(offset), length: UInt8(length)))
            }
        }
    }

    /// Whether a word has letters from U+0600 on (Arabic, Ethiopic …): a UTF-8 lead byte of 0xD8 or more.
    private static func isWide(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        for position in start..<end where bytes[position] >= 0xD8 { return true }
        return false
    }

    /// The 2-, 3- and 4-letter grams of `<word>` (letters as Unicode scalars); a word too short
    /// for a gram gives none of that size.
    private mutating func addLetterGrams(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, token: Int, mask: UInt32, tag: UInt8
    ) {
        let padded = end - start + 2
        guard padded <= 255 else { return }
        func byte(_ position: Int) -> UInt8 {
            position == 0 ? 0x3C : position == padded - 1 ? 0x3E : bytes[start + position - 1]
        }
        // Where each letter starts in the padded word, and where the word ends.
        var starts = [0]
        for position in 1..<(padded - 1) where byte(position) & 0xC0 != 0x80 { starts.append(position) }
        starts.append(padded - 1)
        starts.append(padded)
        let letters = starts.count - 1
        for length in 2...4 where length <= letters {
            for first in 0...(letters - length) {
                let (from, to) = (starts[first], starts[first + length])
                var hash = Self.fnv(Kind.chars.rawValue | tag)
                for position in from..<to { hash = Self.fnv(hash, byte(position)) }
                add(
                    hash & mask,
                    Origin(kind: .chars, token: Int32(token), offset: UInt8(from), length: UInt8(to - from)))
            }
        }
    }

    /// A readable form of a feature: `word: brinner`, `pair: har precis`, `chars: <bra`.
    func describe(_ index: Int, tokens: TextTokens) -> (kind: Kind, text: String) {
        let origin = origins[index]
        let token = Int(origin.token)
        switch origin.kind {
        case .word: return (.word, tokens.text(token, token))
        case .pair: return (.pair, tokens.text(token, token + 1))
        case .chars:
            let padded = [0x3C] + Array(tokens.word(token)) + [0x3E]
            let slice = padded[Int(origin.offset)..<Int(origin.offset) + Int(origin.length)]
            return (.chars, String(decoding: slice, as: UTF8.self))
        }
    }

    private static let basis: UInt32 = 2_166_136_261
    private static let prime: UInt32 = 16_777_619

    private static func fnv(_ tag: UInt8) -> UInt32 { fnv(basis, tag) }

    private static func fnv(_ hash: UInt32, _ byte: UInt8) -> UInt32 { (hash ^ UInt32(byte)) &* prime }

    private static func fnv(_ hash: UInt32, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt32 {
        var hash = hash
        for position in start..<end { hash = (hash ^ UInt32(bytes[position])) &* prime }
        return hash
    }
}
