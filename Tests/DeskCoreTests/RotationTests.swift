import Foundation
import Testing

@testable import DeskCore

private let stockholm = LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt)

private func utc(_ text: String) -> Date {
    guard let date = Timestamp.parse(text) else { fatalError("bad test time \(text)") }
    return date
}

func day(_ text: String) -> LocalDate {
    guard let date = LocalDate(text) else { fatalError("bad test date \(text)") }
    return date
}

func clock(_ text: String) -> LocalTime {
    guard let time = LocalTime(text) else { fatalError("bad test time \(text)") }
    return time
}

private func rotation(
    _ participants: [String], days: Int = 1, handoff: String = "08:00", starts: String = "2026-11-02",
    ends: String? = nil, layer: Int = 0, id: String = "rot"
) -> Rotation {
    Rotation(
        id: id, area: "bredang", role: .firstAid, layer: layer, shiftDays: days, handoff: clock(handoff),
        starts: day(starts), ends: ends.flatMap(LocalDate.init), participants: participants)
}

@Suite struct RotationTests {
    @Test func localDatesRoundTripThroughDayCounts() {
        for text in ["1970-01-01", "2000-02-29", "2026-03-29", "2026-12-31", "2100-03-01"] {
            let date = LocalDate(text)!
            #expect(LocalDate(daysSinceEpoch: date.daysSinceEpoch) == date)
            #expect(date.description == text)
        }
        #expect(LocalDate("2026-02-30") == nil)
        #expect(LocalDate("2026-2-3") == nil)
        #expect(LocalTime("24:00") == nil)
        #expect(LocalDate("2026-12-31")!.adding(days: 1) == LocalDate("2027-01-01"))
    }

    @Test func dailyHandOffIsExactToTheMinute() {
        let daily = rotation(["anna", "bo", "cem"])
        // 2026-11-03 08:00 in Stockholm (CET, UTC+1) is 07:00Z.
        #expect(daily.shift(at: utc("2026-11-03T06:59:59.999Z"), calendar: stockholm)?.participant == 0)
        #expect(daily.shift(at: utc("2026-11-03T07:00:00.000Z"), calendar: stockholm)?.participant == 1)
        #expect(daily.shift(at: utc("2026-11-04T07:00:00.000Z"), calendar: stockholm)?.participant == 2)
        #expect(daily.shift(at: utc("2026-11-05T07:00:00.000Z"), calendar: stockholm)?.participant == 0)
        // Before the first hand-off: not in effect yet.
        #expect(daily.shift(at: utc("2026-11-02T06:59:00.000Z"), calendar: stockholm) == nil)
        let first = daily.shift(at: utc("2026-11-02T07:00:00.000Z"), calendar: stockholm)
        #expect(first?.start == utc("2026-11-02T07:00:00.000Z"))
        #expect(first?.end == utc("2026-11-03T07:00:00.000Z"))
    }

    @Test func weeklyRotationTurnsOnItsWeekday() {
        let weekly = rotation(["anna", "bo"], days: 7, handoff: "09:00", starts: "2026-11-02")  // a Monday
        #expect(weekly.shift(at: utc("2026-11-08T20:00:00.000Z"), calendar: stockholm)?.participant == 0)  // Sunday
        #expect(weekly.shift(at: utc("2026-11-09T07:59:00.000Z"), calendar: stockholm)?.participant == 0)
        #expect(weekly.shift(at: utc("2026-11-09T08:00:00.000Z"), calendar: stockholm)?.participant == 1)
        #expect(weekly.shift(at: utc("2026-11-16T08:00:00.000Z"), calendar: stockholm)?.participant == 0)
    }

    @Test func handOffsKeepTheirWallTimeAcrossDaylightSavingChanges() {
        let daily = rotation(["anna", "bo"], starts: "2026-03-27")
        // Spring forward on 2026-03-29 (02:00 CET -> 03:00 CEST): 08:00 moves from 07:00Z to 06:00Z.
        let saturday = daily.shift(at: utc("2026-03-28T12:00:00.000Z"), calendar: stockholm)
        #expect(saturday?.start == utc("2026-03-28T07:00:00.000Z"))
        #expect(saturday?.end == utc("2026-03-29T06:00:00.000Z"))  // a 23-hour shift
        #expect(daily.shift(at: utc("2026-03-29T05:59:59.000Z"), calendar: stockholm)?.index == 1)
        #expect(daily.shift(at: utc("2026-03-29T06:00:00.000Z"), calendar: stockholm)?.index == 2)
        // Fall back on 2026-10-25 (03:00 CEST -> 02:00 CET): a 25-hour shift.
        let autumn = rotation(["anna", "bo"], starts: "2026-10-20")
        let long = autumn.shift(at: utc("2026-10-24T12:00:00.000Z"), calendar: stockholm)
        #expect(long?.start == utc("2026-10-24T06:00:00.000Z"))
        #expect(long?.end == utc("2026-10-25T07:00:00.000Z"))
        #expect(autumn.shift(at: utc("2026-10-25T06:30:00.000Z"), calendar: stockholm)?.index == 4)
        #expect(autumn.shift(at: utc("2026-10-25T07:00:00.000Z"), calendar: stockholm)?.index == 5)
    }

    @Test func aHandOffInTheSkippedHourHappensAfterTheJump() {
        // 02:30 does not exist on 2026-03-29 in Stockholm; the hand-off is 03:30 CEST (01:30Z).
        let night = rotation(["anna", "bo"], handoff: "02:30", starts: "2026-03-27")
        #expect(night.shift(at: utc("2026-03-29T01:29:00.000Z"), calendar: stockholm)?.index == 1)
        #expect(night.shift(at: utc("2026-03-29T01:30:00.000Z"), calendar: stockholm)?.index == 2)
        // Every instant of the year belongs to exactly one shift, and shifts follow each other.
        var instant = utc("2026-03-27T02:00:00.000Z")
        var previous = night.shift(at: instant, calendar: stockholm)
        while instant < utc("2026-11-01T00:00:00.000Z") {
            instant += 1800
            guard let shift = night.shift(at: instant, calendar: stockholm), let last = previous else {
                Issue.record("no shift at \(instant)")
                return
            }
            if shift.index != last.index {
                #expect(shift.index == last.index + 1)
                #expect(shift.start == last.end)
            }
            previous = shift
        }
    }

    @Test func endedRotationsAndLayersDecideWhoIsFirst() {
        let base = rotation(["anna", "bo"], id: "base")
        let weekendCover = rotation(["cem"], starts: "2026-11-07", ends: "2026-11-09", layer: 1, id: "cover")
        let responders = ["anna", "bo", "cem", "dina"].map {
            Responder(id: $0, name: $0.capitalized, contact: "+4670000", roles: [.firstAid], areas: ["bredang"])
        }
        var roster = Roster(responders: responders, rotations: [base, weekendCover])
        let saturday = utc("2026-11-07T12:00:00.000Z")
        #expect(
            roster.candidates(area: "bredang", role: .firstAid, at: saturday, calendar: stockholm).map(\.responder.id)
                == ["cem", "bo", "anna"])
        let monday = utc("2026-11-09T12:00:00.000Z")
        // Day 7 of a two-person daily rotation.
        #expect(roster.slot(area: "bredang", role: .firstAid, at: monday, calendar: stockholm).onDuty?.id == "bo")
        // An override goes before every rotation; unavailable people are skipped.
        roster.overrides = [
            RosterOverride(
                id: "o1", area: "bredang", role: .firstAid, responder: "dina", starts: monday.addingTimeInterval(-60),
                ends: monday.addingTimeInterval(3600))
        ]
        roster.unavailability = [
            Unavailability(responder: "anna", starts: monday.addingTimeInterval(-86_400), ends: monday + 86_400)
        ]
        #expect(
            roster.candidates(area: "bredang", role: .firstAid, at: monday, calendar: stockholm).map(\.responder.id)
                == ["dina", "bo"])
        let slot = roster.slot(area: "bredang", role: .firstAid, at: monday, calendar: stockholm)
        #expect(slot.onDuty?.id == "dina")
        #expect(slot.source == .override("o1"))
        #expect(slot.nextHandoff == monday.addingTimeInterval(3600))
        #expect(slot.next?.id == "bo")
        // Nobody covers another area: the answer says so.
        let empty = roster.slot(area: "satra", role: .firstAid, at: monday, calendar: stockholm)
        #expect(empty.onDuty == nil && empty.nextHandoff == nil)
    }

    @Test func validationNamesEveryBrokenPart() {
        let areas = AreaDirectory([Area(id: "bredang", name: "Bredäng", city: "Stockholm")])
        let anna = Responder(id: "anna", name: "Anna", contact: "+4670000", roles: [.firstAid], areas: ["bredang"])
        let roster = Roster(
            responders: [anna],
            rotations: [
                rotation(["anna"], id: "a"), rotation(["anna"], starts: "2026-12-01", id: "b"),
                rotation([], layer: 1, id: "c"),
                Rotation(
                    id: "d", area: "nowhere", role: .psychosocial, shiftDays: 3, handoff: clock("08:00"),
                    starts: day("2026-11-01"), participants: ["anna", "ghost"]),
            ])
        #expect {
            try roster.validate(areas: areas)
        } throws: { error in
            guard case DeskError.invalid(let issues) = error else { return false }
            let text = issues.map { "\($0.pointer): \($0.detail)" }
            return text.contains { $0.hasPrefix("/rotations/1: overlaps rotation \"a\"") }
                && text.contains("/rotations/2/participants: a rotation needs at least one participant")
                && text.contains("/rotations/3/area: no area \"nowhere\" is served by this desk")
                && text.contains("/rotations/3/shift_days: must be 1 (daily) or 7 (weekly)")
                && text.contains("/rotations/3/participants/0: anna does not have the role psychosocial")
                && text.contains("/rotations/3/participants/1: no responder \"ghost\"")
        }
        // Back to back is not an overlap.
        let sequential = Roster(
            responders: [anna],
            rotations: [
                rotation(["anna"], ends: "2026-12-01", id: "a"), rotation(["anna"], starts: "2026-12-01", id: "b"),
            ])
        #expect(throws: Never.self) { try sequential.validate(areas: areas) }
    }
}

@Suite struct TriggerPolicyTests {
    private func incident(_ phase: Phase, category: Category? = nil, severity: Int? = nil) -> Incident {
        Incident(
            id: IDGenerator(clock: SystemWallClock()).next(), areaID: "bredang", title: "t", phase: phase,
            category: category, severity: severity, status: .open, openedAt: Date(), updatedAt: Date(), reportCount: 1)
    }

    @Test func defaultsFollowTheCrisisModel() {
        let policy = TriggerPolicy.standard
        let during = policy.needs(for: incident(.during))
        #expect(during.map(\.role) == [.firstAid, .psychosocial])
        #expect(during.map(\.count) == [2, 1])
        #expect(during[0].ackWithin < policy.needs(for: incident(.after))[0].ackWithin)
        let after = policy.needs(for: incident(.after))
        #expect(after.map(\.role) == [.psychosocial] && after[0].count == 2)
        #expect(after[0].followUps == [86_400, 7 * 86_400, 30 * 86_400])
        let before = policy.needs(for: incident(.before))
        #expect(before.map(\.role) == [.coordinator] && before[0].count == 1 && before[0].task != nil)
        #expect(policy.needs(for: incident(.unclassified)).isEmpty)
    }

    @Test func specificRulesRaiseCountsAndShortenTimes() {
        var policy = TriggerPolicy.standard
        policy.rules.append(
            .init(phase: .during, category: .fire, minSeverity: 4, role: .firstAid, count: 4, ackWithin: 120))
        #expect(policy.needs(for: incident(.during, category: .fire, severity: 5))[0].count == 4)
        #expect(policy.needs(for: incident(.during, category: .fire, severity: 5))[0].ackWithin == 120)
        #expect(policy.needs(for: incident(.during, category: .fire, severity: 3))[0].count == 2)
        #expect(policy.needs(for: incident(.during, category: .flood, severity: 5))[0].count == 2)
    }
}
