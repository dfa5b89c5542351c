extension Classifier {
    /// The text the classifier reads: the title, then the text.
    static func reading(_ input: ClassifierInput) -> String {
        [input.title, input.text].compactMap { $0 }.joined(separator: ".\n")
    }

    /// The features the phase model reads from a report, hashed into `2^bucketBits` buckets: what
    /// `make train` learns from. The rules' scores in them come from this classifier's lexicon.
    public func modelFeatures(_ input: ClassifierInput, bucketBits: Int) -> PhaseFeatures {
        let tokens = TextTokens(Self.reading(input), breakers: breakers)
        return PhaseFeatures(
            tokens: tokens, evidence: evidence(in: tokens, language: input.language), bucketBits: bucketBits)
    }
}
