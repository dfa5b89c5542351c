/// A neighbourhood the branch works in.
public struct Area: Sendable, Hashable, Codable {
    /// Stable slug, e.g. `bredang`.
    public var id: String
    /// Display name, e.g. `Bredäng`.
    public var name: String
    /// City or municipality, e.g. `Stockholm`.
    public var city: String
    /// Ids of neighbouring areas, used for roster fallback.
    public var neighbours: [String]
    /// False when the area was removed from the configured list; its incidents remain.
    public var active: Bool

    /// Creates an area.
    public init(id: String, name: String, city: String, neighbours: [String] = [], active: Bool = true) {
        self.id = id
        self.name = name
        self.city = city
        self.neighbours = neighbours
        self.active = active
    }
}
