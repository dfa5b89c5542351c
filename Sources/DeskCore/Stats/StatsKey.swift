/// Which group a row of figures is for: the parts named by the query's dimensions, nil for the
/// others (a row by week alone has no area and no phase).
public struct StatsKey: Sendable, Hashable, Comparable {
    /// The ISO week's label (`2026-W49`), when broken down by week.
    public var week: String?
    /// The area's id, when broken down by area.
    public var area: String?
    /// The incident's phase (as it stands now), when broken down by phase.
    public var phase: Phase?

    /// A key of the given parts.
    public init(week: String? = nil, area: String? = nil, phase: Phase? = nil) {
        self.week = week
        self.area = area
        self.phase = phase
    }

    /// The key without its week: the series a week belongs to.
    public var series: StatsKey { StatsKey(area: area, phase: phase) }

    public static func < (left: StatsKey, right: StatsKey) -> Bool {
        (left.week ?? "", left.area ?? "", left.phase?.rawValue ?? "")
            < (right.week ?? "", right.area ?? "", right.phase?.rawValue ?? "")
    }
}

/// A row of figures for one group: every kind starts at zero for a group with nothing in it.
public protocol StatsFigures: Sendable {
    /// The group.
    var key: StatsKey { get }
    /// Nothing counted, for `key`.
    init(zeroFor key: StatsKey)
}
