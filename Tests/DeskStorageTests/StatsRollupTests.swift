import DeskCore
import DeskTestSupport
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// The trends' roll-up (`v20-stats-rollup`, `pg-v7-stats-rollup`) against a direct count of the
/// rows (`StatsQueries`), on both engines, after the scripted history of `StatsTests` and what
/// changes figures after the fact: a phase changed (its call-outs and follow-ups move with it),
/// incidents closed and erased by the retention purge (they stay counted, as the rows stay).
@Suite struct StatsRollupTests {
    private static let calendar = LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt)

    /// Every breakdown, over 1, 4 and 12 weeks ending with the clock's, for every area and for one.
    private static func queries(now: Date, calendar: LocalCalendar = calendar) -> [StatsQuery] {
        let current = StatsWeek.containing(now, in: calendar)
        let dimensions: [[StatsDimension]] = [
            [], [.week], [.area], [.phase], [.week, .area], [.week, .phase], [.area, .phase], [.week, .area, .phase],
        ]
        var queries: [StatsQuery] = []
        for length in [1, 4, 12] {
            let weeks = (0..<length).reversed().map { current.moved(by: -$0, in: calendar) }
            for by in dimensions {
                for areas in [nil, Set(["bredang"]), Set(["rinkeby"])] {
                    queries.append(StatsQuery(weeks: weeks, dimensions: by, areas: areas, now: now))
                }
            }
        }
        return queries
    }

    /// The percentiles to the microsecond: PostgreSQL's `percentile_cont` and the direct count's
    /// arithmetic may differ in the last bit (384.0000000000001 against 384.0).
    private static func rounded(_ figures: [CallOutFigures]) -> [CallOutFigures] {
        figures.map { figure in
            var figure = figure
            figure.answerMedian = figure.answerMedian.map { ($0 * 1e6).rounded() / 1e6 }
            figure.answerP90 = figure.answerP90.map { ($0 * 1e6).rounded() / 1e6 }
            return figure
        }
    }

    /// The figures both ways, as text: as the store reads them (the call-outs' percentiles shared
    /// among reads on several connections, `SQLDeskStore.answerReads`, and in one read), and as
    /// the rows count them.
    private static func compare(
        _ store: SQLDeskStore, _ queries: [StatsQuery]
    ) async throws -> (rollup: [String], direct: [String]) {
        var rollup: [String] = []
        for query in queries {
            let label = "\(query.weeks.count)w \(query.dimensions) \(query.areas?.sorted() ?? [])"
            let callOuts = rounded(try await store.callOutFigures(query)).sorted { $0.key < $1.key }
            let inOneRead = try await store.read { db in try StatsRollupQueries.callOuts(query, in: db) }
            #expect(rounded(inOneRead).sorted { $0.key < $1.key } == callOuts, "\(label)")
            // In three shares, which split a year's 12 weeks, or 2 areas, unevenly.
            let shared = try await store.read { db in
                try (0..<3).reduce(into: [StatsKey: AnswerPercentiles]()) { all, index in
                    let share = StatsAnswerQueries.Share(index: index, count: 3)
                    all.merge(try StatsAnswerQueries.answers(query, in: db, share: share)) { first, _ in first }
                }
            }
            #expect(
                shared == (try await store.read { db in try StatsAnswerQueries.answers(query, in: db) }), "\(label)")
            rollup.append("\(label) \(try await store.incidentFigures(query).sorted { $0.key < $1.key })")
            rollup.append("\(label) \(callOuts)")
            rollup.append("\(label) \(try await store.followUpFigures(query).sorted { $0.key < $1.key })")
        }
        let direct = try await store.read { db in
            try queries.flatMap { query in
                let label = "\(query.weeks.count)w \(query.dimensions) \(query.areas?.sorted() ?? [])"
                return [
                    "\(label) \(try StatsQueries.incidents(query, in: db).sorted { $0.key < $1.key })",
                    "\(label) \(rounded(try StatsQueries.callOuts(query, in: db)).sorted { $0.key < $1.key })",
                    "\(label) \(try StatsQueries.followUps(query, in: db).sorted { $0.key < $1.key })",
                ]
            }
        }
        return (rollup, direct)
    }

    @Test(arguments: TestEngine.all) func theRollUpCountsWhatTheRowsCountAfterPhaseChangesAndAPurge(
        engine: TestEngine
    ) async throws {
        let history = try await StatsTests.history(on: engine)
        let fixture = history.fixture
        let store = fixture.database.store
        let queries = Self.queries(now: fixture.clock.now())
        var (rollup, direct) = try await Self.compare(store, queries)
        #expect(rollup == direct)

        // The `after` incident (its call-out acknowledged, two follow-ups) becomes `during`, the
        // unstaffed one `before`: their call-outs and follow-ups move with them.
        let officer = Actor.unixUser("officer")
        _ = try await fixture.desk.changePhase(
            of: history.incidents[4].id.rawValue, to: .during, reason: "still ongoing", actor: officer)
        _ = try await fixture.desk.changePhase(
            of: history.incidents[3].id.rawValue, to: .before, reason: "a warning", actor: officer)
        let moved = try await store.read { db in
            try StatsRollupQueries.callOuts(
                StatsQuery(weeks: queries[24].weeks, dimensions: [.phase], areas: nil, now: fixture.clock.now()),
                in: db)
        }
        #expect(!moved.contains { $0.key.phase == .after })
        #expect(moved.map(\.callOuts).reduce(0, +) > 0)
        (rollup, direct) = try await Self.compare(store, queries)
        #expect(rollup == direct)

        // Closed, then erased by the retention purge 40 days later: still counted, as the rows are.
        for incident in history.incidents {
            _ = try await fixture.desk.close(incident.id.rawValue, outcome: "Handled, Karin Berg", actor: officer)
        }
        fixture.clock.advance(days: 40)
        fixture.desk.replaceRetention(RetentionPolicy(closedIncidentDays: 30))
        let purged = try await fixture.desk.purge(dryRun: false, actor: .system)
        #expect(purged.incidents.count == history.incidents.count)
        let later = Self.queries(now: fixture.clock.now())
        (rollup, direct) = try await Self.compare(store, later)
        #expect(rollup == direct)
        let whole = try await store.read { db in
            try StatsRollupQueries.incidents(
                StatsQuery(weeks: later[48].weeks, dimensions: [], areas: nil, now: fixture.clock.now()), in: db)
        }
        #expect(whole.map(\.incidents) == [5] && whole.map(\.unstaffed) == [1])
    }

    /// The migration's fill gives the rows the triggers kept (zeros left by a change aside).
    @Test(arguments: TestEngine.all) func theMigrationsFillEqualsWhatTheTriggersKept(engine: TestEngine) async throws {
        let history = try await StatsTests.history(on: engine)
        let fixture = history.fixture
        _ = try await fixture.desk.changePhase(
            of: history.incidents[4].id.rawValue, to: .before, reason: "a warning", actor: .unixUser("officer"))
        let tables = [StatsRollup.incidents, StatsRollup.callOuts, StatsRollup.followUps]
        func contents() async throws -> [String] {
            try await fixture.database.engine.read { db in
                var lines: [String] = []
                for kind in tables {
                    let counters = kind.counters.map(\.name)
                    for row in try db.rows(
                        """
                        SELECT grain, bucket, area_id, phase, \(counters.joined(separator: ", ")) FROM \(kind.table)
                        WHERE \(counters.map { "\($0) <> 0" }.joined(separator: " OR "))
                        ORDER BY grain, bucket, area_id, phase
                        """)
                    {
                        let values = try counters.map { "\(try #require(row[$0] as Int?))" }
                        lines.append(
                            "\(kind.table) \(row["grain"] as String? ?? "") \(row["bucket"] as String? ?? "") "
                                + "\(row["area_id"] as String? ?? "") \(row["phase"] as String? ?? "") "
                                + values.joined(separator: " "))
                    }
                }
                lines += try db.values(String.self, "SELECT incident_id FROM stats_unstaffed ORDER BY incident_id")
                lines += try db.values(
                    String.self,
                    """
                    SELECT id || ' ' || coalesce(CAST(answer_ms AS TEXT), '-') || ' ' || coalesce(answer_phase, '-')
                    FROM callout ORDER BY id
                    """)
                return lines
            }
        }
        let kept = try await contents()
        #expect(kept.count > 20)
        #expect(kept.contains { $0.hasPrefix("stats_incident_rollup hour 2026-11-20T12 bredang during 1 0") })
        let dialect = try fixture.database.engine.dialect
        try await fixture.database.engine.write { db in
            for kind in tables { try db.execute("DELETE FROM \(kind.table)", []) }
            try db.execute("DELETE FROM stats_unstaffed", [])
            try db.execute("UPDATE callout SET answer_ms = NULL, answer_phase = NULL", [])
            for statement in StatsRollup.fill(dialect) + StatsAnswerIndex.fill { try db.execute(statement, []) }
        }
        #expect(try await contents() == kept)
        // The bulk load's rebuild (`StatsRollupBulkLoad`) gives them too.
        try await fixture.database.engine.write { db in
            for kind in tables { try db.execute("DELETE FROM \(kind.table)", []) }
            try db.execute("DELETE FROM stats_unstaffed", [])
            try db.execute("UPDATE callout SET answer_ms = NULL, answer_phase = 'before'", [])
            for statement in StatsRollup.fill(dialect, answers: false) + StatsAnswerIndex.rebuild(dialect) {
                try db.execute(statement, [])
            }
        }
        #expect(try await contents() == kept)
    }

    /// The pieces of a range count each of its hours exactly once, whichever way each end is
    /// reached (hours added before a whole day, or taken away from it): over every whole-hour
    /// range of up to ten days starting in one day, an hour-by-hour count (a day being the sum of
    /// its hours, as in the roll-up) summed over the pieces with their signs is the range's.
    /// A Stockholm winter week is 7 days, one hour added and one taken away.
    @Test func piecesCountEachHourOfTheRangeOnce() throws {
        let hour = StatsRollupQueries.hour
        let base: Int64 = 1_764_547_200_000  // 2025-12-01T00:00Z
        /// A count per hour that differs from hour to hour.
        func count(_ instant: Int64) -> Int64 { (instant - base) / hour % 7 + 1 }
        func bucket(_ text: String, _ grain: String) throws -> Int64 {
            let padded = grain == "day" ? text + "T00:00:00.000Z" : text + ":00:00.000Z"
            return Timestamp.milliseconds(try #require(Timestamp.parse(padded)))
        }
        for start in 0..<24 {
            for length in 1...(10 * 24) {
                let starts = base + Int64(start) * hour
                let ends = starts + Int64(length) * hour
                let pieces = try #require(StatsRollupQueries.pieces(week: "w", from: starts, to: ends, past: true))
                var total: Int64 = 0
                for piece in pieces {
                    var instant = try bucket(piece.lo, piece.grain)
                    let end = try bucket(piece.hi, piece.grain)
                    while instant < end {
                        total += Int64(piece.sign) * count(instant)
                        instant += hour
                    }
                }
                var expected: Int64 = 0
                var instant = starts
                while instant < ends {
                    expected += count(instant)
                    instant += hour
                }
                #expect(total == expected, "\(start) h + \(length) h: \(pieces)")
                #expect(pieces.filter { $0.grain == "hour" }.count <= 2)
            }
        }
        // Monday 2025-12-08 00:00 in Stockholm is 2025-12-07T23:00Z.
        let week = try #require(
            StatsRollupQueries.pieces(
                week: "2025-W50", from: base + 6 * 24 * hour + 23 * hour, to: base + 13 * 24 * hour + 23 * hour,
                past: true))
        #expect(
            week.map { "\($0.sign) \($0.grain) \($0.lo) \($0.hi)" } == [
                "1 hour 2025-12-07T23 2025-12-08T00", "1 day 2025-12-08 2025-12-15",
                "-1 hour 2025-12-14T23 2025-12-15T00",
            ])
    }

    /// A week split for the roll-up is every one of its minutes once: its whole UTC hours as
    /// pieces, the rest as stretches; none in a whole-hour zone, one at each end in the others.
    @Test(arguments: ["Europe/Stockholm", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham"])
    func aSplitWeekIsItsWholeHoursAndTheMinutesAtEitherEnd(zone: String) throws {
        let calendar = LocalCalendar(timeZone: try #require(TimeZone(identifier: zone)))
        // A year of weeks, across both DST changes where the zone has them.
        let first = StatsWeek.containing(try #require(Timestamp.parse("2026-01-05T12:00:00.000Z")), in: calendar)
        let weeks = (0..<52).map { first.moved(by: $0, in: calendar) }
        let split = StatsRollupQueries.split(
            StatsQuery(weeks: weeks, dimensions: [.week], areas: nil, now: Date()))
        let hour = StatsRollupQueries.hour
        for week in weeks {
            let starts = Timestamp.milliseconds(week.starts)
            let ends = Timestamp.milliseconds(week.ends)
            let stretches = split.stretches.filter { $0.label == week.label }
            let minutes = stretches.map { Timestamp.milliseconds($0.ends) - Timestamp.milliseconds($0.starts) }
            #expect(stretches.allSatisfy { $0.starts >= week.starts && $0.ends <= week.ends })
            #expect(minutes.allSatisfy { $0 > 0 && $0 < hour }, "\(week.label) \(stretches)")
            // The hours counted by the pieces, with their signs, and the stretches make the week.
            var counted: Int64 = minutes.reduce(0, +)
            for piece in split.pieces where piece.week == week.label {
                let lo = try #require(
                    Timestamp.parse(piece.grain == "day" ? piece.lo + "T00:00:00.000Z" : piece.lo + ":00:00.000Z"))
                let hi = try #require(
                    Timestamp.parse(piece.grain == "day" ? piece.hi + "T00:00:00.000Z" : piece.hi + ":00:00.000Z"))
                counted += Int64(piece.sign) * (Timestamp.milliseconds(hi) - Timestamp.milliseconds(lo))
            }
            #expect(counted == ends - starts, "\(week.label)")
            #expect(stretches.count == (starts % hour == 0 ? 0 : 1) + (ends % hour == 0 ? 0 : 1), "\(week.label)")
        }
        #expect(split.stretches.isEmpty == (zone == "Europe/Stockholm"))
    }

    /// A desk in a time zone whose offset is not whole hours (Asia/Kolkata, +5:30; Asia/Kathmandu,
    /// +5:45): its weeks start at 18:30 and 18:15 UTC. With incidents, call-outs and follow-ups
    /// in the minutes either side of those instants, every figure of every breakdown counted from
    /// the roll-up and the stretches is the direct count's, and the stretches did hold rows.
    @Test(arguments: TestEngine.all) func halfAndQuarterHourTimeZonesAreCountedFromTheRollUpAndTheirWeeksEnds(
        engine: TestEngine
    ) async throws {
        let history = try await StatsTests.history(on: engine)
        let fixture = history.fixture
        let clock = fixture.clock
        // To the next Thursday 18:10 UTC, then reports at 18:10, 18:20 and 18:45 in the phase after
        // (follow-ups due Friday and Sunday at those times), and on that Sunday during (incidents
        // and call-outs); the 18:20 ones' first call-out acknowledged.
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        var thursday = clock.now()
        while utc.component(.weekday, from: thursday) != 5 { thursday += 86_400 }
        let start = try #require(utc.date(bySettingHour: 18, minute: 10, second: 0, of: thursday))
        clock.advance(minutes: start.timeIntervalSince(clock.now()) / 60)
        for (day, phase) in [(0, Phase.after), (3, .during)] {
            for (minutes, area) in [(0, "bredang"), (10, "rinkeby"), (35, "bredang")] {
                let at = start.addingTimeInterval(Double(day * 86_400 + minutes * 60))
                clock.advance(minutes: at.timeIntervalSince(clock.now()) / 60)
                let incident = try await fixture.report(
                    "Brand i källaren, rök i trapphuset", area: area, phase: phase)
                try await fixture.desk.timers.runDueWork()
                if minutes == 10, let callOut = try await fixture.callOuts(incident).first(where: { $0.state.isOpen }) {
                    clock.advance(minutes: 2)
                    try await fixture.desk.acknowledge(
                        callOut.id.rawValue, note: nil, actor: .unixUser("x"), bound: callOut.responderID)
                }
            }
        }
        clock.advance(minutes: 30)
        let store = fixture.database.store
        for zone in ["Asia/Kolkata", "Asia/Kathmandu"] {
            let calendar = LocalCalendar(timeZone: try #require(TimeZone(identifier: zone)))
            let queries = Self.queries(now: clock.now(), calendar: calendar)
            let (rollup, direct) = try await Self.compare(store, queries)
            #expect(rollup.count == direct.count)
            for (counted, expected) in zip(rollup, direct) where counted != expected {
                Issue.record("\(zone): \(counted)\n  but the rows count \(expected)")
            }
            // The stretches of 4 weeks by week held some of each kind.
            let query = queries[27]
            #expect(query.weeks.count == 4 && query.dimensions == [.week] && query.areas == nil)
            let stretches = StatsRollupQueries.over(StatsRollupQueries.split(query).stretches, of: query)
            let held: [Int] = try await store.read { db in
                let incidents: [IncidentFigures] = try StatsQueries.incidents(stretches, in: db, disjoint: true)
                let callOuts: [CallOutFigures] = try StatsQueries.callOuts(stretches, in: db, disjoint: true)
                let followUps: [FollowUpFigures] = try StatsQueries.followUps(stretches, in: db, disjoint: true)
                return [
                    incidents.map(\.incidents).reduce(0, +), callOuts.map(\.acknowledged).reduce(0, +),
                    followUps.map(\.due).reduce(0, +),
                ]
            }
            #expect(held.allSatisfy { $0 > 0 }, "\(zone): incidents, acknowledged call-outs, follow-ups \(held)")
        }
    }
}
