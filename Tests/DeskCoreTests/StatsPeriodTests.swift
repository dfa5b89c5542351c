import DeskCore
import Foundation
import Testing

/// The trends' weeks and periods: ISO weeks in the desk's time zone, across DST and year ends.
@Suite struct StatsPeriodTests {
    let stockholm = LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt)

    func at(_ text: String) throws -> Date { try #require(Timestamp.parse(text)) }

    @Test func aWeekRunsFromMondayMidnightLocalTime() throws {
        // Sunday 23:30 UTC on 2026-11-29 is already Monday 00:30 in Stockholm: week 49.
        let week = StatsWeek.containing(try at("2026-11-29T23:30:00.000Z"), in: stockholm)
        #expect(week.label == "2026-W49")
        #expect(week.starts == (try at("2026-11-29T23:00:00.000Z")))
        #expect(week.ends == (try at("2026-12-06T23:00:00.000Z")))
        #expect(StatsWeek.containing(try at("2026-11-29T22:59:59.999Z"), in: stockholm).label == "2026-W48")
    }

    @Test func theWeekOfTheAutumnClockChangeHas169Hours() throws {
        let week = StatsWeek.containing(try at("2026-10-22T12:00:00.000Z"), in: stockholm)
        #expect(week.label == "2026-W43")
        #expect(week.ends.timeIntervalSince(week.starts) == 169 * 3600)
        #expect(week.moved(by: 1, in: stockholm).starts == week.ends)
    }

    @Test func theLastDaysOfTheYearMayBelongToWeek53OrWeek1() throws {
        #expect(StatsWeek.containing(try at("2027-01-01T12:00:00.000Z"), in: stockholm).label == "2026-W53")
        #expect(StatsWeek.containing(try at("2025-12-31T12:00:00.000Z"), in: stockholm).label == "2026-W01")
    }

    @Test func periodsAreWholeWeeksEndingWithTheCurrentOne() throws {
        let now = try at("2026-12-06T10:00:00.000Z")  // Sunday of W49
        let twelve = try StatsPeriod("12w").weeks(endingAt: now, in: stockholm)
        #expect(twelve.count == 12 && twelve.first?.label == "2026-W38" && twelve.last?.label == "2026-W49")
        #expect(zip(twelve, twelve.dropFirst()).allSatisfy { $0.ends == $1.starts })
        // 90 days back is Monday 2026-09-07, in W37.
        let days = try StatsPeriod("90d").weeks(endingAt: now, in: stockholm)
        #expect(days.first?.label == "2026-W37" && days.count == 13)
        #expect(try StatsPeriod("1w").weeks(endingAt: now, in: stockholm).map(\.label) == ["2026-W49"])
        #expect(StatsPeriod.standard.description == "12w")
    }

    @Test(arguments: ["", "12", "w", "0w", "-3w", "+3w", "1.5w", "106w", "732d", "12m", "12 w"])
    func aMalformedPeriodIsRefused(text: String) {
        #expect(throws: DeskError.self) { try StatsPeriod(text) }
    }

    @Test func theBreakdownIsReadInCanonicalOrder() throws {
        #expect(try StatsDimension.parse("phase,week") == [.week, .phase])
        #expect(try StatsDimension.parse("") == [])
        #expect(throws: DeskError.self) { try StatsDimension.parse("week,week") }
        #expect(throws: DeskError.self) { try StatsDimension.parse("week,,area") }
        #expect(throws: DeskError.self) { try StatsDimension.parse("month") }
    }
}
