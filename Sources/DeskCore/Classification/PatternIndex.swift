/// Finds the terms of many patterns in tokenised text in one pass.
///
/// Terms are chained by the first two bytes of their first word, in flat arrays: a word of the
/// text is compared only with terms that start with its own first two bytes, and stems that match
/// anywhere in a word only at the positions where those two bytes occur. With a few hundred terms
/// that keeps a report in the microseconds.
struct PatternIndex: Sendable {
    /// A term found in the text: which term, and which words it covers.
    struct Match {
        var term: Int
        var first: Int
        var last: Int
    }

    private(set) var patterns: [TermPattern] = []
    /// The bytes of every word of every term, back to back.
    private var wordBytes: [UInt8] = []
    /// Per word: where its bytes start in `wordBytes`, how many, and how it matches.
    private var wordStart: [Int] = []
    private var wordLength: [Int] = []
    private var wordMode: [TermPattern.Mode] = []
    /// Per term: its first word's index in the word arrays.
    private var termFirstWord: [Int] = []
    /// Chains of terms by the first two bytes of the first word; -1 ends a chain.
    private var startHeads = [Int32](repeating: -1, count: 65_536)
    private var anywhereHeads = [Int32](repeating: -1, count: 65_536)
    /// Terms whose first word is a single byte (`t`), checked at every word start.
    private var singleByteTerms: [Int] = []
    private var nextInChain: [Int32] = []

    init() {}

    /// Adds a compiled pattern; returns its index.
    @discardableResult
    mutating func add(_ pattern: TermPattern) -> Int {
        let term = patterns.count
        patterns.append(pattern)
        termFirstWord.append(wordStart.count)
        nextInChain.append(-1)
        for word in pattern.words {
            wordStart.append(wordBytes.count)
            wordLength.append(word.bytes.count)
            wordMode.append(word.mode)
            wordBytes.append(contentsOf: word.bytes)
        }
        guard let first = pattern.words.first, first.bytes.count >= 1 else { return term }
        if first.bytes.count == 1 {
            singleByteTerms.append(term)
            return term
        }
        let key = Int(first.bytes[0]) << 8 | Int(first.bytes[1])
        if first.mode == .anywhere {
            nextInChain[term] = anywhereHeads[key]
            anywhereHeads[key] = Int32(term)
        } else {
            nextInChain[term] = startHeads[key]
            startHeads[key] = Int32(term)
        }
        return term
    }

    /// Every occurrence of every pattern, in text order.
    func matches(in text: TextTokens) -> [Match] {
        var found: [Match] = []
        text.bytes.withUnsafeBufferPointer { bytes in
            wordBytes.withUnsafeBufferPointer { words in
                for index in 0..<text.count {
                    let token = text.tokens[index]
                    let length = token.end - token.start
                    guard length > 0 else { continue }
                    for term in singleByteTerms
                    where wordMatches(termFirstWord[term], bytes, token.start, token.end, words) {
                        append(term, at: index, in: text, bytes, words, to: &found)
                    }
                    guard length >= 2 else { continue }
                    var term = startHeads[Int(bytes[token.start]) << 8 | Int(bytes[token.start + 1])]
                    while term >= 0 {
                        if wordMatches(termFirstWord[Int(term)], bytes, token.start, token.end, words) {
                            append(Int(term), at: index, in: text, bytes, words, to: &found)
                        }
                        term = nextInChain[Int(term)]
                    }
                    var hits: [Int32] = []
                    for position in token.start..<(token.end - 1) where bytes[position] & 0xC0 != 0x80 {
                        var term = anywhereHeads[Int(bytes[position]) << 8 | Int(bytes[position + 1])]
                        while term >= 0 {
                            let word = termFirstWord[Int(term)]
                            if !hits.contains(term), position + wordLength[word] <= token.end,
                                equal(bytes, position, words, wordStart[word], wordLength[word])
                            {
                                hits.append(term)
                                append(Int(term), at: index, in: text, bytes, words, to: &found)
                            }
                            term = nextInChain[Int(term)]
                        }
                    }
                }
            }
        }
        return found
    }

    /// Records a match of `term` starting at word `first`, if the rest of its phrase follows in
    /// the same clause.
    private func append(
        _ term: Int, at first: Int, in text: TextTokens, _ bytes: UnsafeBufferPointer<UInt8>,
        _ words: UnsafeBufferPointer<UInt8>, to found: inout [Match]
    ) {
        let count = patterns[term].words.count
        let clause = text.tokens[first].clause
        let firstWord = termFirstWord[term]
        for offset in 1..<max(1, count) {
            let index = first + offset
            guard index < text.count else { return }
            let token = text.tokens[index]
            guard token.clause == clause, wordMatches(firstWord + offset, bytes, token.start, token.end, words)
            else { return }
        }
        found.append(Match(term: term, first: first, last: first + count - 1))
    }

    private func wordMatches(
        _ word: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ words: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        let length = wordLength[word]
        let tokenLength = end - start
        switch wordMode[word] {
        case .exact:
            return tokenLength == length && equal(bytes, start, words, wordStart[word], length)
        case .prefix:
            return tokenLength >= length && equal(bytes, start, words, wordStart[word], length)
        case .anywhere:
            guard tokenLength >= length else { return false }
            for position in start...(end - length) where equal(bytes, position, words, wordStart[word], length) {
                return true
            }
            return false
        }
    }

    private func equal(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ words: UnsafeBufferPointer<UInt8>, _ wordStart: Int,
        _ length: Int
    ) -> Bool {
        var offset = 0
        while offset < length {
            if bytes[start + offset] != words[wordStart + offset] { return false }
            offset += 1
        }
        return true
    }
}
