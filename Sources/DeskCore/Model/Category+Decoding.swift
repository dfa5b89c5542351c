extension Category {
    /// Decodes a category from its name; anything else is an error that lists the names.
    public init(from decoder: any Decoder) throws {
        self = try decodeNamed(from: decoder, allowed: Category.allCases)
    }
}

extension Phase {
    /// Decodes a phase from its name (also `unclassified`, which stored incidents may have);
    /// anything else is an error that lists the phases a person may give.
    public init(from decoder: any Decoder) throws {
        self = try decodeNamed(from: decoder, allowed: Phase.assignable)
    }
}

/// A value of a closed set named by its raw text, or a decoding error that says which names there are.
private func decodeNamed<Value: RawRepresentable>(from decoder: any Decoder, allowed: [Value]) throws -> Value
where Value.RawValue == String {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    if let value = Value(rawValue: text) { return value }
    let names = allowed.map(\.rawValue).joined(separator: ", ")
    throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "must be one of \(names) (got \"\(text.clipped(40))\")")
}
