extension CaseIterable where Self: CodingKey {
    /// The wire names of all the keys: the members a body with these `CodingKeys` may hold.
    public static var wireNames: Set<String> { Set(allCases.map(\.stringValue)) }
}
