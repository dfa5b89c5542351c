import DeskCore
import Foundation

extension StatsRollupQueries {
    /// A query's weeks as the roll-up counts them: the pieces of each week's whole UTC hours
    /// (`pieces`), and the stretches outside them, counted from the rows (`StatsQueries` with
    /// `disjoint`). In a time zone whose offset is whole hours a week has no stretch; in one whose
    /// offset is not (Asia/Kolkata's weeks start at 18:30 UTC, Asia/Kathmandu's at 18:15) a week
    /// has one of under an hour at each end, whose few rows are found from its own range of the
    /// kind's time index. The follow-ups add the hour of now (`StatsRollupQueries.followUps`).
    struct Split {
        /// The roll-up's pieces.
        var pieces: [Piece] = []
        /// What the roll-up does not count, each labelled with its week.
        var stretches: [StatsWeek] = []

        /// Adds `starts ..< ends` (milliseconds since 1970) of `week`: its whole UTC hours as
        /// pieces, the minutes before the first and after the last as stretches.
        mutating func add(week: String, from starts: Int64, to ends: Int64, past: Bool) {
            guard starts < ends else { return }
            let first = Self.floorHour(starts + hour - 1)
            let last = Self.floorHour(ends)
            guard first < last, let whole = StatsRollupQueries.pieces(week: week, from: first, to: last, past: past)
            else {
                stretch(week, starts, ends)
                return
            }
            stretch(week, starts, first)
            pieces += whole
            stretch(week, last, ends)
        }

        /// Adds `starts ..< ends` of `week` as a stretch, to count from the rows.
        mutating func stretch(_ week: String, _ starts: Int64, _ ends: Int64) {
            guard starts < ends else { return }
            stretches.append(
                StatsWeek(
                    label: week, starts: Timestamp.date(milliseconds: starts), ends: Timestamp.date(milliseconds: ends))
            )
        }

        /// The start of the UTC hour `instant` is in.
        static func floorHour(_ instant: Int64) -> Int64 { instant - ((instant % hour) + hour) % hour }
    }

    /// Every week of `query`, split.
    static func split(_ query: StatsQuery) -> Split {
        var split = Split()
        for week in query.weeks {
            split.add(
                week: week.label, from: Timestamp.milliseconds(week.starts), to: Timestamp.milliseconds(week.ends),
                past: true)
        }
        return split
    }

    /// `query` over `stretches` instead of its weeks, for `StatsQueries` with `disjoint`.
    static func over(_ stretches: [StatsWeek], of query: StatsQuery) -> StatsQuery {
        StatsQuery(weeks: stretches, dimensions: query.dimensions, areas: query.areas, now: query.now)
    }

    /// Figures of one group added together (`add`), in the order their groups first came.
    static func merged<Figures: StatsFigures>(
        _ figures: [Figures], _ add: (inout Figures, Figures) -> Void
    ) -> [Figures] {
        var sums: [StatsKey: Figures] = [:]
        var order: [StatsKey] = []
        for more in figures {
            if var sum = sums[more.key] {
                add(&sum, more)
                sums[more.key] = sum
            } else {
                sums[more.key] = more
                order.append(more.key)
            }
        }
        return order.compactMap { sums[$0] }
    }
}
