import Foundation

/// What the store is asked for: the weeks to count in, the breakdown, the areas a responder may
/// see, and the instant "overdue" is measured at.
public struct StatsQuery: Sendable {
    /// The weeks, oldest first and contiguous: rows fall in the week their instant falls in.
    public var weeks: [StatsWeek]
    /// The breakdown, in canonical order.
    public var dimensions: [StatsDimension]
    /// Only these areas (a responder's); nil for every area.
    public var areas: Set<String>?
    /// Now: a follow-up due before it and not done is overdue.
    public var now: Date

    public init(weeks: [StatsWeek], dimensions: [StatsDimension], areas: Set<String>?, now: Date) {
        self.weeks = weeks
        self.dimensions = dimensions
        self.areas = areas
        self.now = now
    }
}

/// One kind of figures over a period: the weeks it covers, the breakdown, and a row per group —
/// broken down by week, every series (area, phase) has a row for every week, zeros included, so
/// that a chart has one mark per week.
public struct StatsTable<Figures: StatsFigures>: Sendable {
    /// The period as asked (`12w`).
    public var period: StatsPeriod
    /// The weeks covered, oldest first.
    public var weeks: [StatsWeek]
    /// The breakdown.
    public var dimensions: [StatsDimension]
    /// The desk's time zone, which the weeks are in.
    public var timeZone: String
    /// One row per group, sorted by week, area and phase.
    public var rows: [Figures]

    /// The table of `rows` as the store found them (groups with something in them), the missing
    /// weeks of each series filled with zeros.
    public init(
        period: StatsPeriod, weeks: [StatsWeek], dimensions: [StatsDimension], timeZone: String, rows: [Figures]
    ) {
        self.period = period
        self.weeks = weeks
        self.dimensions = dimensions
        self.timeZone = timeZone
        var all = rows
        if dimensions.contains(.week) {
            var seen = Set(rows.map(\.key))
            var series = Set(rows.map(\.key.series))
            // Without area or phase there is one series, the whole desk, even with nothing in it.
            if !dimensions.contains(.area) && !dimensions.contains(.phase) { series.insert(StatsKey()) }
            for part in series {
                for week in weeks {
                    var key = part
                    key.week = week.label
                    if seen.insert(key).inserted { all.append(Figures(zeroFor: key)) }
                }
            }
        }
        self.rows = all.sorted { $0.key < $1.key }
    }
}
