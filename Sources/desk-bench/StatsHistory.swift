import DeskConfig
import DeskCore
import DeskStorage
import Foundation
import Synchronization

/// `desk-bench ROOT history FILE`: writes a scripted history of the last five weeks into a new
/// SQLite desk at FILE, through the real commands and duty timers with a clock moved by hand, for
/// the trends tests (the console's Trends page, `deskctl stats`), which then start deskd on it.
/// The demo areas and roster, the standard trigger policy (deskd's default: nothing is left for
/// its timers to staff). Prints what the script did as JSON, per ISO week, from the script's own
/// records and the duty reads (not the stats queries), for the tests to compare with.
///
/// Each week, on Wednesday at 10:00 in Stockholm: in Rinkeby a `during` incident whose call-outs
/// are answered after scripted delays, and in odd weeks a second one nobody answers (its chain
/// runs out); in Tensta a `before` incident the coordinator answers, and in weeks 1 and 3 an
/// `after` incident whose follow-ups are done on time (+1 day), late (+7 days) or not at all
/// (+30 days).
struct StatsHistory {
    let root: String
    let file: String

    /// A wall clock the script moves.
    final class ScriptClock: WallClock {
        private let current: Mutex<Date>
        init(_ start: Date) { current = Mutex(start) }
        func now() -> Date { current.withLock { $0 } }
        func set(_ date: Date) { current.withLock { $0 = max($0, date) } }
        func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
    }

    func run() async throws {
        let realNow = Date()
        let calendar = LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt)
        let current = StatsWeek.containing(realNow, in: calendar)
        let weeks = (1...5).reversed().map { current.moved(by: -$0, in: calendar) }
        let clock = ScriptClock(weeks[0].starts)
        let database = try DeskDatabase(path: file)
        _ = try database.syncAreas(try SeedFiles.areas(path: root + "/seeds/areas.json"))
        let desk = try await benchDesk(
            root: root, store: SQLDeskStore(database: database), clock: clock, calendar: calendar)
        let admin = Principal(actor: .system, role: .admin)
        _ = try await desk.commands.run(
            ImportRoster(try SeedFiles.roster(path: root + "/seeds/roster.json")), by: admin)
        let officer = Principal(actor: .unixUser("history"), role: .officer)

        var record = Record()
        /// Follow-ups to complete later: when, and which.
        var completions: [(at: Date, followUp: FollowUp)] = []

        func report(_ area: String, _ phase: Phase, _ text: String, week: StatsWeek) async throws -> Incident {
            let fields = ReportFields(area: area, text: text, phase: phase)
            let receipt = try await desk.commands.run(try desk.intake.command(for: fields), by: officer, over: .unix)
            record.incident(week: week.label, area: area, phase: phase)
            _ = try await desk.timers.runDueWork()
            return receipt.incident
        }
        func open(_ incident: Incident) async throws -> [CallOut] {
            try await desk.duty.callOuts(CallOutQuery(incident: incident.id), mine: nil).filter(\.state.isOpen)
                .sorted { ($0.role.rawValue, $0.id) < ($1.role.rawValue, $1.id) }
        }
        func answer(_ incident: Incident, after delays: [TimeInterval]) async throws {
            let start = clock.now()
            for (callOut, delay) in zip(try await open(incident), delays) {
                clock.set(start.addingTimeInterval(delay))
                _ = try await desk.commands.run(
                    AcknowledgeCallOut(callOutID: callOut.id.rawValue, note: nil),
                    by: Principal(actor: .unixUser("history"), role: .responder, responderID: callOut.responderID))
            }
        }
        func completeDue(before instant: Date) async throws {
            completions.sort { $0.at < $1.at }
            while let next = completions.first, next.at <= instant {
                completions.removeFirst()
                clock.set(next.at)
                // Read again: the timers may have passed it to the coordinator meanwhile.
                let now = try await desk.duty.followUp(next.followUp.id) ?? next.followUp
                let owner = now.escalatedTo ?? now.ownerID
                _ = try await desk.commands.run(
                    CompleteFollowUp(followUpID: next.followUp.id.rawValue, outcome: "checked in"),
                    by: Principal(actor: .unixUser("history"), role: .responder, responderID: owner))
            }
        }

        for (index, week) in weeks.enumerated() {
            let wednesday = week.starts.addingTimeInterval(2 * 86_400 + 10 * 3600)
            try await completeDue(before: wednesday)
            clock.set(wednesday)
            let step = TimeInterval(index + 1)
            let during = try await report(
                "rinkeby", .during, "Skottlossning vid torget, en skadad (\(index))", week: week)
            try await answer(during, after: [30 * step, 60 * step + 60, 240])
            if index % 2 == 1 {
                let unanswered = try await report(
                    "rinkeby", .during, "Brand i källaren, rök i trapphuset (\(index))", week: week)
                for _ in 0..<200 where try await !open(unanswered).isEmpty {
                    clock.advance(300)
                    _ = try await desk.timers.runDueWork()
                }
                if try await desk.duty.isUnstaffed(unanswered.id) { record.unstaffed(week: week.label) }
            }
            let before = try await report(
                "tensta", .before, "Rykten om hämnd efter helgens bråk (\(index))", week: week)
            try await answer(before, after: [900])
            if index == 1 || index == 3 {
                let after = try await report("tensta", .after, "Boende sover inte efter skotten (\(index))", week: week)
                try await answer(after, after: [300, 600])
                for followUp in try await desk.duty.followUps(FollowUpQuery(incident: after.id), mine: nil) {
                    let offset = followUp.dueAt.timeIntervalSince(clock.now())
                    if offset < 2 * 86_400 {
                        completions.append((followUp.dueAt.addingTimeInterval(-3600), followUp))
                    } else if offset < 10 * 86_400 {
                        completions.append((followUp.dueAt.addingTimeInterval(86_400), followUp))
                    }
                }
            }
            _ = try await desk.timers.runDueWork()
        }
        try await completeDue(before: realNow.addingTimeInterval(-60))
        // The record of call-outs and follow-ups, from the duty reads.
        let labels = Set(weeks.map(\.label) + [current.label])
        for callOut in try await desk.duty.callOuts(CallOutQuery(limit: 10_000), mine: nil) {
            let week = StatsWeek.containing(callOut.createdAt, in: calendar).label
            let answer = callOut.state == .acknowledged ? callOut.updatedAt.timeIntervalSince(callOut.createdAt) : nil
            record.callOut(week: week, area: callOut.area, state: callOut.state.rawValue, answer: answer)
        }
        for followUp in try await desk.duty.followUps(FollowUpQuery(limit: 10_000), mine: nil) {
            let week = StatsWeek.containing(followUp.dueAt, in: calendar).label
            guard labels.contains(week), followUp.state != .cancelled else { continue }
            let state: String
            switch followUp.state {
            case .done: state = followUp.updatedAt <= followUp.dueAt ? "done_on_time" : "done_late"
            default: state = followUp.dueAt < realNow ? "overdue" : "pending"
            }
            record.followUp(week: week, state: state)
        }
        try database.close()
        record.weeks = weeks.map(\.label) + [current.label]
        let json = try JSONEncoder.sorted.encode(record)
        print(String(decoding: json, as: UTF8.self))
    }

    /// What the script did, per week label.
    struct Record: Encodable {
        var weeks: [String] = []
        /// week → "area/phase" → incidents opened.
        var incidents: [String: [String: Int]] = [:]
        /// week → incidents that went unstaffed.
        var unstaffed: [String: Int] = [:]
        /// week → state → call-outs made.
        var callOuts: [String: [String: Int]] = [:]
        /// week → seconds to each acknowledgement.
        var answers: [String: [Double]] = [:]
        /// week → state → follow-ups due (done_on_time, done_late, overdue, pending).
        var followUps: [String: [String: Int]] = [:]

        enum CodingKeys: String, CodingKey {
            case weeks, incidents, unstaffed, answers
            case callOuts = "callouts"
            case followUps = "followups"
        }

        mutating func incident(week: String, area: String, phase: Phase) {
            incidents[week, default: [:]]["\(area)/\(phase.rawValue)", default: 0] += 1
        }
        mutating func unstaffed(week: String) { unstaffed[week, default: 0] += 1 }
        mutating func callOut(week: String, area: String, state: String, answer: Double?) {
            callOuts[week, default: [:]][state, default: 0] += 1
            if let answer { answers[week, default: []].append(answer) }
        }
        mutating func followUp(week: String, state: String) { followUps[week, default: [:]][state, default: 0] += 1 }
    }
}

extension JSONEncoder {
    /// Sorted keys, for output a test can read and a person can diff.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
