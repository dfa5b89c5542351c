import DeskCore
import Foundation
import GRDB

/// The trends counted from the roll-up (`StatsRollup`): each week of the query as its whole UTC
/// days and the UTC hours at either end, summed from one primary-key range each, so that a
/// period costs its days × areas × phases, not its rows. The call-outs' answer-time percentiles
/// stay exact, read from the rows (`StatsAnswerQueries`). In a time zone whose offset is not
/// whole hours, the minutes of each week outside its whole UTC hours are counted from the rows
/// and added (`Split`): the answers are the direct count's (`StatsQueries`) either way.
enum StatsRollupQueries {
    /// One range of roll-up buckets: the week it counts for, the grain, `lo ..< hi` as bucket text,
    /// whether the follow-ups in it are all due before now (`past`) or all after (`future`), and
    /// whether it is added (`sign` 1) or taken away (-1).
    struct Piece {
        let week: String
        let grain: String
        let lo: String
        let hi: String
        let past: Bool
        var sign: Int = 1
    }

    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    /// The pieces of `starts ..< ends` (milliseconds), or nil when a bound is not a whole hour: its
    /// whole UTC days, and at each end the fewer hours of the two ways to get there, the hours
    /// before the first whole day added or the hours of that day before `starts` taken away (a
    /// Stockholm week, Sunday 23:00 UTC to Sunday 23:00, is 7 days + 1 hour − 1 hour rather than 6
    /// days + 24 hours). A day's roll-up row is the sum of its hours' rows, so both are exact.
    static func pieces(week: String, from starts: Int64, to ends: Int64, past: Bool) -> [Piece]? {
        guard starts % hour == 0, ends % hour == 0 else { return nil }
        guard starts < ends else { return [] }
        func text(_ milliseconds: Int64, _ length: Int) -> String {
            String(Timestamp.format(Timestamp.date(milliseconds: milliseconds)).prefix(length))
        }
        func hours(_ lo: Int64, _ hi: Int64, sign: Int = 1) -> [Piece] {
            lo < hi
                ? [Piece(week: week, grain: "hour", lo: text(lo, 13), hi: text(hi, 13), past: past, sign: sign)] : []
        }
        let floorStart = starts / day * day
        let floorEnd = ends / day * day
        guard floorStart < floorEnd else { return hours(starts, ends) }
        let half = day / 2
        // The first day counted whole, and the hours added before it or taken away from it.
        let firstDay = starts - floorStart <= half ? floorStart : floorStart + day
        let head = firstDay <= starts ? hours(firstDay, starts, sign: -1) : hours(starts, firstDay)
        // The end of the last day counted whole, and the hours added after it or taken away.
        let lastDay = ends == floorEnd || ends - floorEnd <= half ? floorEnd : floorEnd + day
        let tail = lastDay <= ends ? hours(lastDay, ends) : hours(ends, lastDay, sign: -1)
        let days =
            firstDay < lastDay
            ? [Piece(week: week, grain: "day", lo: text(firstDay, 10), hi: text(lastDay, 10), past: past)] : []
        return head + days + tail
    }

    /// `SELECT <keys>, <sums> FROM pieces JOIN <table> … GROUP BY …` with its arguments.
    private static func sql(
        _ kind: StatsRollup.Kind, _ query: StatsQuery, _ pieces: [Piece], sums: [String], _ dialect: SQLDialect
    ) -> (String, SQLArguments) {
        var arguments: SQLArguments = []
        let values = pieces.map { _ in "(?, ?, ?, ?, ?, CAST(? AS INTEGER))" }.joined(separator: ", ")
        for piece in pieces {
            arguments += [piece.week, piece.grain, piece.lo, piece.hi, piece.past ? 1 : 0, piece.sign]
        }
        let expressions: [StatsDimension: String] = [.week: "p.week", .area: "r.area_id", .phase: "r.phase"]
        let keys = StatsDimension.allCases.map { dimension in
            (query.dimensions.contains(dimension) ? expressions[dimension] ?? "NULL" : "NULL")
                + " AS \(dimension.rawValue)"
        }
        var conditions = SQLConditions()
        if let areas = query.areas { conditions.add(oneOf: "r.area_id", areas.sorted()) }
        arguments += conditions.arguments
        let groupBy =
            query.dimensions.isEmpty
            ? "" : " GROUP BY " + query.dimensions.compactMap { expressions[$0] }.joined(separator: ", ")
        let range = "r.grain = p.grain AND r.bucket >= p.lo AND r.bucket < p.hi"
        // Each piece is one range of the roll-up's primary key. SQLite reads it so from the join;
        // PostgreSQL's planner would rather hash the pieces and scan the whole table, so there
        // each piece is its own subquery (OFFSET 0 keeps it from being merged into the join).
        let join =
            dialect == .postgresql
            ? "pieces p CROSS JOIN LATERAL (SELECT * FROM \(kind.table) r WHERE \(range) OFFSET 0) r"
            : "pieces p JOIN \(kind.table) r ON \(range)"
        let sql = """
            WITH pieces(week, grain, lo, hi, past, sign) AS (VALUES \(values))
            SELECT \(keys.joined(separator: ", ")), \(sums.joined(separator: ", "))
            FROM \(join)\(conditions.whereClause)\(groupBy)
            """
        return (sql, arguments)
    }

    /// Runs `sql` over `pieces`; with no piece (an empty period) the one row of zeros a query
    /// without dimensions has, or nothing.
    private static func rows(
        _ kind: StatsRollup.Kind, _ query: StatsQuery, _ pieces: [Piece], sums: [String], in db: any SQLConnection
    ) throws -> [Row] {
        guard !pieces.isEmpty else { return query.dimensions.isEmpty ? [Row()] : [] }
        let (text, arguments) = sql(kind, query, pieces, sums: sums, db.dialect)
        try offJIT(db)
        return try db.rows(text, arguments, cached: false)
    }

    /// On PostgreSQL, no JIT compilation for the rest of this (read) transaction: the planner
    /// cannot know how few rows a piece holds, guesses thousands, and would spend more time
    /// compiling the query (20–200 ms on the 1M desk) than it takes to run.
    static func offJIT(_ db: any SQLConnection) throws {
        if db.dialect == .postgresql { _ = try db.execute("SET LOCAL jit = off", []) }
    }

    /// Incidents by the week they were opened in.
    static func incidents(_ query: StatsQuery, in db: any SQLConnection) throws -> [IncidentFigures] {
        let split = split(query)
        let sums = ["sum(p.sign * r.incidents) AS incidents", "sum(p.sign * r.unstaffed) AS unstaffed"]
        var figures = try rows(StatsRollup.incidents, query, split.pieces, sums: sums, in: db).map { row in
            IncidentFigures(key: try key(row), incidents: row["incidents"] ?? 0, unstaffed: row["unstaffed"] ?? 0)
        }
        if !split.stretches.isEmpty {
            figures += try StatsQueries.incidents(over(split.stretches, of: query), in: db, disjoint: true)
        }
        return merged(figures) {
            $0.incidents += $1.incidents
            $0.unstaffed += $1.unstaffed
        }.filter { $0.incidents > 0 || query.dimensions.isEmpty }
    }

    /// Call-outs by the week they were made in: the counts from the roll-up, the percentiles
    /// from the answer times (`StatsAnswerQueries`), in one read.
    static func callOuts(_ query: StatsQuery, in db: any SQLConnection) throws -> [CallOutFigures] {
        withPercentiles(try callOutCounts(query, in: db), try StatsAnswerQueries.answers(query, in: db))
    }

    /// The call-outs' counts of each group of `query` from the roll-up, without percentiles.
    static func callOutCounts(_ query: StatsQuery, in db: any SQLConnection) throws -> [CallOutFigures] {
        let split = split(query)
        let sums = ["callouts", "acknowledged", "declined", "escalated", "expired", "waiting"].map {
            "sum(p.sign * r.\($0)) AS \($0)"
        }
        var figures = try rows(StatsRollup.callOuts, query, split.pieces, sums: sums, in: db).map { row in
            CallOutFigures(
                key: try key(row), callOuts: row["callouts"] ?? 0, acknowledged: row["acknowledged"] ?? 0,
                declined: row["declined"] ?? 0, escalated: row["escalated"] ?? 0, expired: row["expired"] ?? 0,
                waiting: row["waiting"] ?? 0, answerMedian: nil, answerP90: nil)
        }
        if !split.stretches.isEmpty {
            figures += try StatsQueries.callOuts(
                over(split.stretches, of: query), in: db, disjoint: true, percentiles: false)
        }
        return merged(figures) {
            $0.callOuts += $1.callOuts
            $0.acknowledged += $1.acknowledged
            $0.declined += $1.declined
            $0.escalated += $1.escalated
            $0.expired += $1.expired
            $0.waiting += $1.waiting
        }.filter { $0.callOuts > 0 || query.dimensions.isEmpty }
    }

    /// `counted` with each group's answer-time percentiles from `answers`.
    static func withPercentiles(
        _ counted: [CallOutFigures], _ answers: [StatsKey: AnswerPercentiles]
    ) -> [CallOutFigures] {
        counted.map { counted in
            var figures = counted
            figures.answerMedian = answers[counted.key]?.median
            figures.answerP90 = answers[counted.key]?.p90
            return figures
        }
    }

    /// Follow-ups by the week they are due in: the roll-up before and after the hour of now
    /// (every open one overdue before it, pending after it), that hour's from the rows.
    static func followUps(_ query: StatsQuery, in db: any SQLConnection) throws -> [FollowUpFigures] {
        let now = Timestamp.milliseconds(query.now)
        let hourStarts = Split.floorHour(now)
        var split = Split()
        for week in query.weeks {
            let starts = Timestamp.milliseconds(week.starts)
            let ends = Timestamp.milliseconds(week.ends)
            split.add(week: week.label, from: starts, to: min(ends, hourStarts), past: true)
            split.add(week: week.label, from: max(starts, hourStarts + hour), to: ends, past: false)
            split.stretch(week.label, max(starts, hourStarts), min(ends, hourStarts + hour))
        }
        let sums = [
            "sum(p.sign * r.due) AS due", "sum(p.sign * r.on_time) AS on_time", "sum(p.sign * r.late) AS late",
            "sum(CASE WHEN p.past = 1 THEN p.sign * r.open ELSE 0 END) AS overdue",
            "sum(CASE WHEN p.past = 1 THEN 0 ELSE p.sign * r.open END) AS pending",
        ]
        var figures = try rows(StatsRollup.followUps, query, split.pieces, sums: sums, in: db).map { row in
            FollowUpFigures(
                key: try key(row), due: row["due"] ?? 0, doneOnTime: row["on_time"] ?? 0,
                doneLate: row["late"] ?? 0, overdue: row["overdue"] ?? 0, pending: row["pending"] ?? 0)
        }
        if !split.stretches.isEmpty {
            figures += try StatsQueries.followUps(over(split.stretches, of: query), in: db, disjoint: true)
        }
        return merged(figures) {
            $0.due += $1.due
            $0.doneOnTime += $1.doneOnTime
            $0.doneLate += $1.doneLate
            $0.overdue += $1.overdue
            $0.pending += $1.pending
        }.filter { $0.due > 0 || query.dimensions.isEmpty }
    }

    /// The key of a result row.
    private static func key(_ row: Row) throws -> StatsKey {
        let phase: Phase? = try (row["phase"] as String?).map { try StoredValue.enumeration($0) }
        return StatsKey(week: row["week"], area: row["area"], phase: phase)
    }
}
