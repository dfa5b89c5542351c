import Foundation

/// What a figure is broken down by: the ISO week it fell in (in the desk's time zone), the area,
/// or the incident's phase. `?by=week,area` in the API, `--by week,area` in `deskctl stats`.
public enum StatsDimension: String, Sendable, CaseIterable, Hashable, Comparable {
    case week
    case area
    case phase

    /// The dimensions named in `text` (comma-separated, each once, e.g. `week,area`), in their
    /// canonical order (week, area, phase). Empty text means none: one row for the whole period.
    ///
    /// - Throws: `invalidParameter("by", …)` for an unknown or repeated name.
    public static func parse(_ text: String) throws(DeskError) -> [StatsDimension] {
        var chosen: [StatsDimension] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = name.trimmingCharacters(in: .whitespaces)
            if name.isEmpty && text.isEmpty { break }
            guard let dimension = StatsDimension(rawValue: name) else {
                let names = allCases.map(\.rawValue).joined(separator: ", ")
                throw DeskError.invalidParameter(
                    "by", "must be a comma-separated list of \(names) (got \"\(name)\")")
            }
            guard !chosen.contains(dimension) else {
                throw DeskError.invalidParameter("by", "names \(name) more than once")
            }
            chosen.append(dimension)
        }
        return chosen.sorted()
    }

    public static func < (left: StatsDimension, right: StatsDimension) -> Bool {
        order(left) < order(right)
    }

    private static func order(_ dimension: StatsDimension) -> Int {
        switch dimension {
        case .week: return 0
        case .area: return 1
        case .phase: return 2
        }
    }
}
