/// The areas the desk serves, looked up by id or by name.
public struct AreaDirectory: Sendable, Hashable {
    /// Every area, active or not, in id order.
    public let all: [Area]
    private let byKey: [String: Area]

    /// Builds a directory from a list of areas.
    public init(_ areas: [Area]) {
        all = areas.sorted { $0.id < $1.id }
        var keys: [String: Area] = [:]
        for area in areas where area.active {
            keys[area.id] = area
            keys[Self.key(area.name)] = area
        }
        byKey = keys
    }

    /// The active area with this id or name (case-insensitive), if any.
    public func lookup(_ text: String) -> Area? {
        byKey[text] ?? byKey[Self.key(text)]
    }

    /// The active area whose id or name is closest to `text`, when it is close enough to be a typo.
    public func suggestion(for text: String) -> Area? {
        let wanted = Self.key(text)
        var best: (area: Area, distance: Int)?
        for area in all where area.active {
            let distance = min(
                Self.editDistance(wanted, Self.key(area.id)), Self.editDistance(wanted, Self.key(area.name))
            )
            if distance <= max(2, wanted.count / 3), distance < (best?.distance ?? .max) {
                best = (area, distance)
            }
        }
        return best?.area
    }

    /// Lower-cased, with white space folded: `" Bredäng "` and `"bredäng"` are the same key.
    static func key(_ text: String) -> String {
        text.trimmingWhitespace().lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs)
        let b = Array(rhs)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
