import Foundation

/// One ISO week (Monday 00:00 to the next Monday 00:00) in the desk's time zone: a week across a
/// daylight-saving change is 167 or 169 hours long.
public struct StatsWeek: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `2026-W49`: the ISO week-numbering year and week.
    public let label: String
    /// Monday 00:00, local time.
    public let starts: Date
    /// The next Monday 00:00, local time (not part of the week).
    public let ends: Date

    /// A week as read back (e.g. by a client); `containing` finds one.
    public init(label: String, starts: Date, ends: Date) {
        self.label = label
        self.starts = starts
        self.ends = ends
    }

    /// The ISO week holding `instant`, in the time zone of `calendar`.
    public static func containing(_ instant: Date, in calendar: LocalCalendar) -> StatsWeek {
        let iso = calendar.iso8601
        // Every instant lies in some week of a Gregorian calendar; the fallback only guards
        // against a Foundation that answers nil anyway (a UTC week of 7 × 86 400 s).
        let interval =
            iso.dateInterval(of: .weekOfYear, for: instant)
            ?? DateInterval(start: instant, duration: 7 * 86_400)
        let parts = iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: interval.start)
        let year = parts.yearForWeekOfYear ?? 0
        let week = parts.weekOfYear ?? 0
        let label = "\(year)-W" + (week < 10 ? "0\(week)" : "\(week)")
        return StatsWeek(label: label, starts: interval.start, ends: interval.end)
    }

    /// The week `count` weeks later (earlier when negative).
    public func moved(by count: Int, in calendar: LocalCalendar) -> StatsWeek {
        // Noon on the week's Wednesday, moved by whole days: clear of any DST change's hour.
        let middle = starts.addingTimeInterval(2.5 * 86_400)
        let moved = calendar.iso8601.date(byAdding: .day, value: 7 * count, to: middle) ?? middle
        return StatsWeek.containing(moved, in: calendar)
    }

    public var description: String { label }

    public static func < (left: StatsWeek, right: StatsWeek) -> Bool { left.starts < right.starts }
}

extension LocalCalendar {
    /// The ISO 8601 calendar (weeks from Monday, week 1 holding the year's first Thursday) in this
    /// calendar's time zone.
    var iso8601: Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        return calendar
    }
}
