import Foundation

/// How far back the figures go: `12w` (the current ISO week and the eleven before it) or `90d`
/// (every week from the one holding the instant 90 days ago to the current one). Whole weeks
/// always, so that each week's figures are comparable.
public struct StatsPeriod: Sendable, Hashable, CustomStringConvertible {
    /// How the period was given.
    public enum Length: Sendable, Hashable {
        case days(Int)
        case weeks(Int)
    }

    /// The length as given.
    public let length: Length

    /// The default: the last 12 weeks.
    public static let standard = StatsPeriod(length: .weeks(12))

    /// The longest period asked for: two years.
    public static let maxDays = 731
    /// The longest period in weeks: two years.
    public static let maxWeeks = 105

    /// A period of `length`.
    public init(length: Length) { self.length = length }

    /// Reads `90d` or `12w`.
    ///
    /// - Throws: `invalidParameter("since", …)` for anything else, zero, or more than two years.
    public init(_ text: String) throws(DeskError) {
        let usage = "must be a number of days or weeks such as 90d or 12w, at most \(Self.maxDays)d (got \"\(text)\")"
        guard let unit = text.last, let count = Int(text.dropLast()), count > 0, text.first?.isNumber == true else {
            throw DeskError.invalidParameter("since", usage)
        }
        switch unit {
        case "d" where count <= Self.maxDays: length = .days(count)
        case "w" where count <= Self.maxWeeks: length = .weeks(count)
        default: throw DeskError.invalidParameter("since", usage)
        }
    }

    /// `12w` or `90d`.
    public var description: String {
        switch length {
        case .days(let days): return "\(days)d"
        case .weeks(let weeks): return "\(weeks)w"
        }
    }

    /// The ISO weeks of the period ending with the week that holds `now`, oldest first, in the
    /// time zone of `calendar`.
    public func weeks(endingAt now: Date, in calendar: LocalCalendar) -> [StatsWeek] {
        let current = StatsWeek.containing(now, in: calendar)
        let first: StatsWeek
        switch length {
        case .weeks(let count): first = current.moved(by: -(count - 1), in: calendar)
        case .days(let days): first = StatsWeek.containing(now.addingTimeInterval(-Double(days) * 86_400), in: calendar)
        }
        var weeks = [first]
        while let last = weeks.last, last.starts < current.starts {
            weeks.append(last.moved(by: 1, in: calendar))
        }
        return weeks
    }
}
