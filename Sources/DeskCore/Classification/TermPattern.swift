/// One term of a lexicon rule, compiled to the words it matches.
///
/// The syntax, as written in `config/classifier.toml`:
/// - `brand` — one word matches every word that *starts* with it: `brand`, `branden`, `brandkåren`.
/// - `*skjut` — a leading `*` matches the stem *anywhere* in a word, for Swedish compounds:
///   `skjutning`, `dödsskjutningen`.
/// - `=sedan` — a leading `=` matches only the whole word.
/// - `just nu` — several words form a phrase; each matches a whole word unless it carries its
///   own `*` (`rök* sprid*`: words that start with `rök` then `sprid`). Phrases stay in one
///   clause.
///
/// Terms are read the way report text is (lower case, NFC, letters and digits), so `don't` is the
/// phrase `don t`.
public struct TermPattern: Sendable, Hashable {
    /// How one word of a term matches a word of the text.
    public enum Mode: Sendable, Hashable {
        case exact
        case prefix
        case anywhere
    }

    /// One word of a term.
    public struct Word: Sendable, Hashable {
        public var bytes: [UInt8]
        public var mode: Mode
    }

    /// The term as written.
    public var text: String
    public var words: [Word]

    /// Compiles `text`; throws a message saying what is wrong with it.
    public init(_ text: String) throws(LexiconError) {
        self.text = text
        let raw = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard !raw.isEmpty else { throw LexiconError("empty term") }
        let phrase = raw.count > 1
        var words: [Word] = []
        for part in raw {
            var body = Substring(part)
            var leading: Mode?
            if body.hasPrefix("=") {
                leading = .exact
                body = body.dropFirst()
            } else if body.hasPrefix("*") {
                leading = .anywhere
                body = body.dropFirst()
            }
            let trailingStar = body.hasSuffix("*")
            if trailingStar { body = body.dropLast() }
            if trailingStar, leading == .exact {
                throw LexiconError("term \"\(text)\": \"\(part)\" cannot be both exact (=) and a prefix (*)")
            }
            let tokens = TextTokens(String(body))
            guard tokens.count > 0 else {
                throw LexiconError("term \"\(text)\": \"\(part)\" has no letters or digits")
            }
            if body.contains("*") || body.contains("=") {
                throw LexiconError("term \"\(text)\": \"*\" and \"=\" may only stand at the start or end of a word")
            }
            for index in 0..<tokens.count {
                let isFirst = index == 0
                let isLast = index == tokens.count - 1
                var mode: Mode = phrase || tokens.count > 1 ? .exact : .prefix
                if isLast, trailingStar { mode = .prefix }
                if isFirst, let leading { mode = leading }
                words.append(Word(bytes: Array(tokens.word(index)), mode: mode))
            }
        }
        self.words = words
    }
}

/// A lexicon the classifier cannot use, with the reason.
public struct LexiconError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the offending rule was defined, e.g. `config/classifier.toml:42`; empty if unknown.
    public var origin: String
    public var message: String

    /// Creates an error.
    public init(_ message: String, origin: String = "") {
        self.message = message
        self.origin = origin
    }

    public var description: String { origin.isEmpty ? message : "\(origin): \(message)" }
}
