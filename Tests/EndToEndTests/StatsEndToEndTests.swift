import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

/// What `desk-bench history` did (its own record, from the duty reads, not the stats queries).
private struct HistoryRecord: Decodable {
    var weeks: [String]
    var incidents: [String: [String: Int]]
    var unstaffed: [String: Int]
    var callouts: [String: [String: Int]]
    var answers: [String: [Double]]
    var followups: [String: [String: Int]]
}

/// The value at `fraction` between the two nearest, as `percentile_cont`; the test's own.
private func reference(_ values: [Double], _ fraction: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let position = Double(sorted.count - 1) * fraction
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
}

/// `deskctl stats` against a real deskd over five weeks of history written through the real desk
/// with a moved clock (`desk-bench ROOT history FILE`, the demo areas and roster): the numbers it
/// prints are what the history did.
@Suite(.ownThread) struct StatsEndToEndTests {
    @Test func deskctlStatsPrintsTheHistorysNumbersAsTableJSONAndCSV() throws {
        let daemon = try DaemonProcess()
        try FileManager.default.createDirectory(
            atPath: daemon.directory + "/state", withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let written = try runProgram(
            binaryDirectory + "/desk-bench", [repositoryRoot, "history", daemon.directory + "/state/deskd.sqlite"])
        #expect(written.status == 0, "\(written.stderr)")
        let record = try JSONDecoder().decode(HistoryRecord.self, from: Data(written.stdout.utf8))
        #expect(record.weeks.count == 6)
        try daemon.start()
        defer { _ = try? daemon.stop() }

        // Incidents per week, area and phase, as CSV: every count the history made, zeros elsewhere.
        let csv = try daemon.ctl("stats", "incidents", "--by", "week,area,phase", "--since", "6w", "--csv")
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "week,area,phase,incidents,unstaffed")
        var counted: [String: [String: Int]] = [:]
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(cells.count == 5 && record.weeks.contains(cells[0]), "\(line)")
            if let count = Int(cells[3]), count > 0 {
                counted[cells[0], default: [:]]["\(cells[1])/\(cells[2])"] = count
            }
        }
        #expect(counted == record.incidents)
        #expect(counted.values.flatMap(\.values).reduce(0, +) == 14)

        // Call-outs per week, as JSON: counts by state and the answer times' median and 90th percentile.
        let json = try daemon.ctl("stats", "callouts", "--since", "6w", "--json")
        #expect(json.status == 0, "\(json.stderr)")
        let callOuts = try decodeJSON(StatsBody<CallOutStatsItem>.self, json.stdout)
        #expect(callOuts.items.map(\.week) == record.weeks)
        for item in callOuts.items {
            let week = item.week ?? ""
            let states = record.callouts[week] ?? [:]
            #expect(item.callouts == states.values.reduce(0, +), "\(week)")
            #expect(item.acknowledged == states["acknowledged", default: 0], "\(week)")
            #expect(item.escalated == states["escalated", default: 0], "\(week)")
            #expect(item.expired == states["expired", default: 0], "\(week)")
            let answers = record.answers[week] ?? []
            #expect(
                item.answerMedianSeconds.map { ($0 * 1000).rounded() }
                    == reference(answers, 0.5).map { ($0 * 1000).rounded() }, "\(week)")
            #expect(
                item.answerP90Seconds.map { ($0 * 1000).rounded() }
                    == reference(answers, 0.9).map { ($0 * 1000).rounded() }, "\(week)")
        }
        #expect(callOuts.items.contains { $0.escalated > 0 } && callOuts.items.contains { $0.acknowledged > 2 })

        // Incidents by week: the unstaffed the history saw.
        let byWeek = try decodeJSON(
            StatsBody<IncidentStatsItem>.self, try daemon.ctl("stats", "incidents", "--since", "6w", "--json").stdout)
        #expect(byWeek.items.map(\.unstaffed) == record.weeks.map { record.unstaffed[$0, default: 0] })

        // Follow-ups by the week they are due.
        let followUps = try decodeJSON(
            StatsBody<FollowUpStatsItem>.self, try daemon.ctl("stats", "followups", "--since", "6w", "--json").stdout)
        for item in followUps.items {
            let states = record.followups[item.week ?? ""] ?? [:]
            #expect(
                [item.doneOnTime, item.doneLate, item.overdue, item.pending]
                    == ["done_on_time", "done_late", "overdue", "pending"].map { states[$0, default: 0] },
                "\(item.week ?? "")")
        }
        #expect(
            followUps.items.map(\.doneOnTime).reduce(0, +) == 2 && followUps.items.map(\.doneLate).reduce(0, +) == 2)

        // All three as tables.
        let tables = try daemon.ctl("stats", "--since", "6w")
        #expect(tables.status == 0, "\(tables.stderr)")
        for text in [
            "Incidents opened, 6w", "Call-outs", "Follow-ups", "WEEK", "ANSWER MEDIAN SECONDS", record.weeks[0],
        ] {
            #expect(tables.stdout.contains(text), "\(text): \(tables.stdout)")
        }

        // A bad breakdown: the API's problem as `title: detail`, a non-zero exit.
        let bad = try daemon.ctl("stats", "incidents", "--by", "month")
        #expect(bad.status == 1)
        #expect(
            bad.stderr.hasPrefix("Invalid query parameter: by: must be a comma-separated list of week, area, phase"))
        let badPeriod = try daemon.ctl("stats", "callouts", "--since", "3y")
        #expect(badPeriod.status == 1 && badPeriod.stderr.hasPrefix("Invalid query parameter: since:"))
        let both = try daemon.ctl("stats", "--csv")
        #expect(both.status != 0 && both.stderr.contains("--csv prints one table"))
    }
}
