import DeskCore
import Foundation
import GRDB

/// The trends' SQL, one text for both engines: counts grouped by the query's dimensions, the
/// weeks as a `VALUES` list of their bounds (computed by the core in the desk's time zone, so that
/// a week across a DST change is its 167 or 169 hours), and the call-outs' answer times'
/// percentiles from window functions (`row_number` within each group), interpolated as
/// `percentile_cont` does: SQLite has no percentile function, and both engines then give the same
/// answer. Each kind counts from one covering index (`v18-stats-indexes`, `pg-v5-stats-indexes`).
///
/// With `disjoint`, the query's weeks are stretches apart from one another (the minutes of each
/// week the roll-up does not count, `StatsRollupQueries.Split`): every row is found from its
/// stretch's own range of the index, never from the whole period's, whatever the breakdown.
enum StatsQueries {
    /// Incidents by the week they were opened in.
    static func incidents(
        _ query: StatsQuery, in db: any SQLConnection, disjoint: Bool = false
    ) throws -> [IncidentFigures] {
        var plan = Plan(query, time: "i.opened_at", area: "i.area_id", phase: "i.phase", disjoint: disjoint)
        let sql = """
            \(plan.with)SELECT \(plan.keys), count(*) AS incidents,
                sum(CASE WHEN EXISTS (SELECT 1 FROM staffing s WHERE s.incident_id = i.id AND s.unstaffed_at IS NOT NULL)
                    THEN 1 ELSE 0 END) AS unstaffed
            FROM \(plan.from("incident", db.dialect))\(plan.whereClause())\(plan.groupBy)
            """
        return try db.rows(sql, plan.arguments, cached: false).compactMap { row in
            let incidents: Int = row["incidents"] ?? 0
            guard incidents > 0 || query.dimensions.isEmpty else { return nil }
            return IncidentFigures(key: try plan.key(row), incidents: incidents, unstaffed: row["unstaffed"] ?? 0)
        }
    }

    /// Call-outs by the week they were made in, with their answer times' median and 90th percentile
    /// (none without `percentiles`: the roll-up adds the stretches' counts and reads its
    /// percentiles from the answers' index).
    static func callOuts(
        _ query: StatsQuery, in db: any SQLConnection, disjoint: Bool = false, percentiles: Bool = true
    ) throws -> [CallOutFigures] {
        var plan = Plan(
            query, time: "c.created_at", area: "c.area_id", phase: "i.phase",
            phaseJoin: " JOIN incident i ON i.id = c.incident_id", disjoint: disjoint)
        let dims = plan.names
        let partition = dims.isEmpty ? "" : "PARTITION BY \(dims.joined(separator: ", ")) "
        let groupDims = dims.isEmpty ? "" : " GROUP BY \(dims.joined(separator: ", "))"
        let answer = SQLTime.milliseconds(from: "c.created_at", to: "c.updated_at", db.dialect)
        let on = dims.isEmpty ? "1 = 1" : dims.map { "a.\($0) = n.\($0)" }.joined(separator: " AND ")
        let selected = plan.names.isEmpty ? "" : plan.names.map { "n.\($0)" }.joined(separator: ", ") + ", "
        func percentile(_ percent: Int) -> String {
            // The value at (n - 1) × p between the two nearest, in milliseconds, as percentile_cont.
            let index = "(n - 1) * \(percent) / 100"
            return """
                CAST(max(CASE WHEN r = \(index) THEN answer_ms END) AS DOUBLE PRECISION)
                    + CAST(((n - 1) * \(percent)) % 100 AS DOUBLE PRECISION) / 100.0
                    * CAST(coalesce(max(CASE WHEN r = \(index) + 1 THEN answer_ms END),
                        max(CASE WHEN r = \(index) THEN answer_ms END))
                        - max(CASE WHEN r = \(index) THEN answer_ms END) AS DOUBLE PRECISION)
                """
        }
        let keys = dims.map { $0 + ", " }.joined()
        let answers =
            percentiles
            ? """
            ranked AS (
                SELECT \(keys)answer_ms,
                    row_number() OVER (\(partition)ORDER BY answer_ms) - 1 AS r,
                    count(*) OVER (\(partition.trimmingCharacters(in: .whitespaces))) AS n
                FROM base WHERE answer_ms IS NOT NULL
            ),
            answers AS (
                SELECT \(keys)\(percentile(50)) AS median_ms, \(percentile(90)) AS p90_ms
                FROM ranked GROUP BY \((dims + ["n"]).joined(separator: ", "))
            ),
            """
            : """
            answers AS (
                SELECT \(keys)CAST(NULL AS DOUBLE PRECISION) AS median_ms, CAST(NULL AS DOUBLE PRECISION) AS p90_ms
                FROM base WHERE 1 = 0
            ),
            """
        let sql = """
            \(plan.with.isEmpty ? "WITH " : String(plan.with.dropLast()) + ", ")base AS (
                SELECT \(plan.namedKeys)c.state AS state,
                    CASE WHEN c.state = 'acknowledged' THEN \(answer) END AS answer_ms
                FROM \(plan.from("callout", db.dialect))\(plan.phaseJoin)\(plan.whereClause())
            ),
            \(answers)counts AS (
                SELECT \(keys)count(*) AS callouts,
                    sum(CASE WHEN state = 'acknowledged' THEN 1 ELSE 0 END) AS acknowledged,
                    sum(CASE WHEN state = 'declined' THEN 1 ELSE 0 END) AS declined,
                    sum(CASE WHEN state = 'escalated' THEN 1 ELSE 0 END) AS escalated,
                    sum(CASE WHEN state = 'expired' THEN 1 ELSE 0 END) AS expired,
                    sum(CASE WHEN state IN ('pending', 'notified') THEN 1 ELSE 0 END) AS waiting
                FROM base\(groupDims)
            )
            SELECT \(selected)n.callouts, n.acknowledged, n.declined, n.escalated, n.expired, n.waiting,
                a.median_ms, a.p90_ms
            FROM counts n LEFT JOIN answers a ON \(on)
            """
        return try db.rows(sql, plan.arguments, cached: false).compactMap { row in
            let callOuts: Int = row["callouts"] ?? 0
            guard callOuts > 0 || query.dimensions.isEmpty else { return nil }
            let median: Double? = row["median_ms"]
            let p90: Double? = row["p90_ms"]
            return CallOutFigures(
                key: try plan.key(row), callOuts: callOuts, acknowledged: row["acknowledged"] ?? 0,
                declined: row["declined"] ?? 0, escalated: row["escalated"] ?? 0, expired: row["expired"] ?? 0,
                waiting: row["waiting"] ?? 0, answerMedian: median.map { $0 / 1000 }, answerP90: p90.map { $0 / 1000 })
        }
    }

    /// Follow-ups by the week they are due in, cancelled ones left out.
    static func followUps(
        _ query: StatsQuery, in db: any SQLConnection, disjoint: Bool = false
    ) throws -> [FollowUpFigures] {
        var plan = Plan(
            query, time: "f.due_at", area: "f.area_id", phase: "i.phase",
            phaseJoin: " JOIN incident i ON i.id = f.incident_id", disjoint: disjoint)
        let now = Timestamp.format(query.now)
        let sql = """
            \(plan.with)SELECT \(plan.keys), count(*) AS due,
                sum(CASE WHEN f.state = 'done' AND f.updated_at <= f.due_at THEN 1 ELSE 0 END) AS on_time,
                sum(CASE WHEN f.state = 'done' AND f.updated_at > f.due_at THEN 1 ELSE 0 END) AS late,
                sum(CASE WHEN f.state IN ('open', 'escalated') AND f.due_at < ? THEN 1 ELSE 0 END) AS overdue,
                sum(CASE WHEN f.state IN ('open', 'escalated') AND f.due_at >= ? THEN 1 ELSE 0 END) AS pending
            FROM \(plan.from("followup", db.dialect))\(plan.phaseJoin)\(plan.whereClause("f.state <> 'cancelled'"))\(plan.groupBy)
            """
        var arguments = plan.arguments
        // The two instants of "now" come after the weeks' bounds and before the conditions.
        arguments.insert(contentsOf: [now, now], at: plan.weekArgumentCount)
        return try db.rows(sql, arguments, cached: false).compactMap { row in
            let due: Int = row["due"] ?? 0
            guard due > 0 || query.dimensions.isEmpty else { return nil }
            return FollowUpFigures(
                key: try plan.key(row), due: due, doneOnTime: row["on_time"] ?? 0, doneLate: row["late"] ?? 0,
                overdue: row["overdue"] ?? 0, pending: row["pending"] ?? 0)
        }
    }
}

/// The parts of a stats query every kind shares: the weeks' `VALUES`, the period's range on the
/// kind's time column (each week's own when `disjoint`), the responder's areas, and the grouping
/// columns (named `week`, `area`, `phase` in the result; NULL for a dimension not asked for).
private struct Plan {
    let dimensions: [StatsDimension]
    /// The weeks are stretches apart: rows are found from each one's range, joined to it.
    let disjoint: Bool
    let time: String
    let area: String
    let phase: String
    let phaseJoin: String
    /// `WITH weeks(…) AS (VALUES …) ` when grouped by week or disjoint, else empty.
    let with: String
    /// How many arguments the weeks' `VALUES` take (they come first).
    let weekArgumentCount: Int
    private(set) var arguments: SQLArguments
    private let conditions: SQLConditions

    init(
        _ query: StatsQuery, time: String, area: String, phase: String, phaseJoin: String = "", disjoint: Bool = false
    ) {
        dimensions = query.dimensions
        self.disjoint = disjoint
        self.time = time
        self.area = area
        self.phase = phase
        self.phaseJoin = query.dimensions.contains(.phase) ? phaseJoin : ""
        var arguments: SQLArguments = []
        if query.dimensions.contains(.week) || disjoint {
            with =
                "WITH weeks(week, starts, ends) AS (VALUES "
                + query.weeks.map { _ in "(?, ?, ?)" }.joined(separator: ", ") + ") "
            for week in query.weeks {
                arguments += [week.label, Timestamp.format(week.starts), Timestamp.format(week.ends)]
            }
        } else {
            with = ""
        }
        weekArgumentCount = arguments.count
        var conditions = SQLConditions()
        // The whole period as one range on the time column's index, whatever the breakdown; apart,
        // each week's range from the join alone (with the period's too, SQLite reads the period).
        if !disjoint {
            let starts = query.weeks.first?.starts ?? query.now
            let ends = query.weeks.last?.ends ?? query.now
            conditions.add("\(time) >= ?", Timestamp.format(starts))
            conditions.add("\(time) < ?", Timestamp.format(ends))
        }
        if let areas = query.areas { conditions.add(oneOf: area, areas.sorted()) }
        self.conditions = conditions
        self.arguments = arguments
    }

    /// `table` under the alias of `time` (`incident i`), joined to the week each row falls in when
    /// there are weeks to join. Apart on PostgreSQL, each week's rows are a subquery of their own
    /// (`LATERAL`, `OFFSET 0` keeping it from being merged): its planner, not knowing how few rows
    /// a stretch holds, would otherwise scan the whole table for a few dozen stretches.
    func from(_ table: String, _ dialect: SQLDialect) -> String {
        let parts = time.split(separator: ".", maxSplits: 1)
        let (alias, column) = (String(parts.first ?? ""), String(parts.last ?? ""))
        guard dimensions.contains(.week) || disjoint else { return "\(table) \(alias)" }
        if disjoint && dialect == .postgresql {
            return """
                weeks w CROSS JOIN LATERAL (SELECT * FROM \(table) \
                WHERE \(column) >= w.starts AND \(column) < w.ends OFFSET 0) \(alias)
                """
        }
        return "\(table) \(alias) JOIN weeks w ON \(time) >= w.starts AND \(time) < w.ends"
    }

    /// ` WHERE …` for the period and the areas (and `extra`); appends their arguments.
    mutating func whereClause(_ extra: String? = nil) -> String {
        var all = conditions
        if let extra { all.add(extra) }
        arguments += all.arguments
        return all.whereClause
    }

    private func expression(_ dimension: StatsDimension) -> String {
        switch dimension {
        case .week: return "w.week"
        case .area: return area
        case .phase: return phase
        }
    }

    /// `w.week AS week, NULL AS area, …`: every key column, NULL where not grouped.
    var keys: String {
        StatsDimension.allCases.map { dimension in
            (dimensions.contains(dimension) ? expression(dimension) : "NULL") + " AS \(dimension.rawValue)"
        }.joined(separator: ", ")
    }

    /// `w.week AS week, ` for the grouped columns only (each followed by a comma).
    var namedKeys: String { dimensions.map { "\(expression($0)) AS \($0.rawValue), " }.joined() }

    /// The grouped columns' names.
    var names: [String] { dimensions.map(\.rawValue) }

    /// ` GROUP BY …`, or nothing for one row over the whole period.
    var groupBy: String {
        dimensions.isEmpty ? "" : " GROUP BY " + dimensions.map(expression).joined(separator: ", ")
    }

    /// The key of a result row.
    func key(_ row: Row) throws -> StatsKey {
        let phase: Phase? = try (row["phase"] as String?).map { try StoredValue.enumeration($0) }
        return StatsKey(week: row["week"], area: row["area"], phase: phase)
    }
}
