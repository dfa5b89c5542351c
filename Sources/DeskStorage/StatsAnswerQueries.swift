import DeskCore
import Foundation
import GRDB

/// The call-outs' answer-time percentiles per group, exact: every acknowledged call-out of the
/// period is read, from `callout_answers` (`StatsAnswerIndex`), one range per area, phase and
/// period (a week, or the whole period when not by week), so that no answer needs a join or a
/// key of its own: the query's areas, or every area with an answer, each with every phase (a
/// range with no answer costs one step of the index). PostgreSQL ranks each group itself
/// (`percentile_cont`); SQLite's answers are ranked here (`AnswerPercentiles`, the same
/// arithmetic).
enum StatsAnswerQueries {
    /// One period of the query: a week (its label) or the whole period (no label).
    private struct Period {
        let week: String?
        let starts: String
        let ends: String
    }

    /// The median and 90th percentile (seconds) of each group of `query` with answers; with
    /// `share`, only those of that share of the groups (`Share`), so that the shares can be read
    /// on several connections at once.
    static func answers(
        _ query: StatsQuery, in db: any SQLConnection, share: Share = .whole
    ) throws -> [StatsKey: AnswerPercentiles] {
        guard let first = query.weeks.first, let last = query.weeks.last else { return [:] }
        var periods =
            query.dimensions.contains(.week)
            ? query.weeks.map {
                Period(week: $0.label, starts: Timestamp.format($0.starts), ends: Timestamp.format($0.ends))
            }
            : [Period(week: nil, starts: Timestamp.format(first.starts), ends: Timestamp.format(last.ends))]
        // By area, or for a responder's areas: each area's ranges of `callout_answers`; otherwise
        // each phase's ranges of `callout_answers_by_phase` (nil).
        var areas: [String]?
        if query.dimensions.contains(.area) || query.areas != nil {
            areas = try query.areas.map { $0.sorted() } ?? answeredAreas(in: db)
        }
        // A share of the weeks, else of the areas; a query of one period and no area is one share.
        if periods.count > 1 {
            periods = share.of(periods)
        } else if let all = areas, all.count > 1 {
            areas = share.of(all)
        } else if share.index > 0 {
            return [:]
        }
        if periods.isEmpty || areas?.isEmpty == true { return [:] }
        if let sqlite = db as? Database { return try read(query, periods, areas, in: sqlite) }
        return try ranked(query, periods, areas, in: db)
    }

    /// One of `count` shares of a query's groups: every `count`th week from the `index`th, or when
    /// not by week, every `count`th area (each week's or area's groups in one share, whole).
    struct Share: Sendable {
        let index: Int
        let count: Int

        /// The whole query.
        static let whole = Share(index: 0, count: 1)

        /// The `index`th of `count` shares (`index` below `count`).
        init(index: Int, count: Int) {
            self.index = index
            self.count = max(count, 1)
        }

        /// This share's elements of `all`.
        func of<Element>(_ all: [Element]) -> [Element] {
            all.indices.filter { $0 % count == index }.map { all[$0] }
        }
    }

    /// Every area with an answer, each found by one step of the index (a loose index scan, which
    /// neither engine does on its own): the first area after the one before, until none is left.
    private static func answeredAreas(in db: any SQLConnection) throws -> [String] {
        let next = "SELECT c.area_id FROM callout c WHERE c.answer_ms IS NOT NULL"
        let sql = """
            WITH RECURSIVE areas(area) AS (
                SELECT (\(next) ORDER BY c.area_id LIMIT 1)
                UNION ALL
                SELECT (\(next) AND c.area_id > a.area ORDER BY c.area_id LIMIT 1) FROM areas a WHERE a.area IS NOT NULL
            )
            SELECT area FROM areas WHERE area IS NOT NULL
            """
        return try db.values(String.self, sql)
    }

    /// The key of a group: the query's dimensions of the period, the area and the phase.
    private static func key(_ query: StatsQuery, week: String?, area: String?, phase: Phase?) -> StatsKey {
        StatsKey(
            week: query.dimensions.contains(.week) ? week : nil,
            area: query.dimensions.contains(.area) ? area : nil,
            phase: query.dimensions.contains(.phase) ? phase : nil)
    }

    /// SQLite: the answers of each area (or all areas, nil) and phase in each period read straight
    /// from the statement's one column (`Statement.appendIntegers`, no row per answer) into their
    /// group's, then ranked.
    private static func read(
        _ query: StatsQuery, _ periods: [Period], _ areas: [String]?, in db: Database
    ) throws -> [StatsKey: AnswerPercentiles] {
        let range = "created_at >= ? AND created_at < ? AND answer_ms IS NOT NULL"
        let ofArea = try db.cachedStatement(
            sql:
                "SELECT answer_ms FROM callout INDEXED BY callout_answers WHERE area_id = ? AND answer_phase = ? AND \(range)"
        )
        let ofPhase = try db.cachedStatement(
            sql: "SELECT answer_ms FROM callout INDEXED BY callout_answers_by_phase WHERE answer_phase = ? AND \(range)"
        )
        var groups: [StatsKey: [Int64]] = [:]
        for area in areas.map({ $0 as [String?] }) ?? [nil] {
            for phase in Phase.allCases {
                for period in periods {
                    let key = key(query, week: period.week, area: area, phase: phase)
                    if let area {
                        try ofArea.appendIntegers(
                            to: &groups[key, default: []],
                            arguments: [area, phase.rawValue, period.starts, period.ends])
                    } else {
                        try ofPhase.appendIntegers(
                            to: &groups[key, default: []], arguments: [phase.rawValue, period.starts, period.ends])
                    }
                }
            }
        }
        return groups.filter { !$0.value.isEmpty }.mapValues { AnswerPercentiles(milliseconds: $0) }
    }

    /// PostgreSQL: one `percentile_cont` per group, each over its own ranges of an index (a
    /// LATERAL subquery per period and group; a dimension not asked for is all its values,
    /// `IN (…)`, which the index reads as a range per value), by area and phase when there are
    /// `areas`, else by phase.
    private static func ranked(
        _ query: StatsQuery, _ periods: [Period], _ areas: [String]?, in db: any SQLConnection
    ) throws -> [StatsKey: AnswerPercentiles] {
        try StatsRollupQueries.offJIT(db)
        let byArea = query.dimensions.contains(.area)
        let byPhase = query.dimensions.contains(.phase)
        var arguments: SQLArguments = []
        for period in periods { arguments += [period.week ?? "", period.starts, period.ends] }
        let periodValues = periods.map { _ in "(?, ?, ?)" }.joined(separator: ", ")
        // The groups of area and phase asked for, as rows of their columns.
        let phases = Phase.allCases.map(\.rawValue)
        var columns: [String] = []
        var groups: [[String]] = [[]]
        if byArea, let areas {
            columns.append("area")
            groups = groups.flatMap { group in areas.map { group + [$0] } }
        }
        if byPhase {
            columns.append("phase")
            groups = groups.flatMap { group in phases.map { group + [$0] } }
        }
        var with = "WITH periods(week, starts, ends) AS (VALUES \(periodValues))"
        var from = "periods w"
        if !columns.isEmpty {
            let row = "(" + columns.map { _ in "?" }.joined(separator: ", ") + ")"
            with +=
                ", groups(\(columns.joined(separator: ", "))) AS (VALUES "
                + groups.map { _ in row }.joined(separator: ", ") + ")"
            for group in groups { arguments += group }
            from += " CROSS JOIN groups g"
        }
        var conditions = SQLConditions()
        if byArea {
            conditions.add("c.area_id = g.area")
        } else if let areas {
            conditions.add(oneOf: "c.area_id", areas)
        }
        if byPhase {
            conditions.add("c.answer_phase = g.phase")
        } else {
            conditions.add(oneOf: "c.answer_phase", phases)
        }
        conditions.add("c.created_at >= w.starts")
        conditions.add("c.created_at < w.ends")
        conditions.add("c.answer_ms IS NOT NULL")
        arguments += conditions.arguments
        let sql = """
            \(with)
            SELECT w.week, \(byArea ? "g.area" : "NULL") AS area, \(byPhase ? "g.phase" : "NULL") AS phase,
                a.fractions[1] AS median_ms, a.fractions[2] AS p90_ms
            FROM \(from) CROSS JOIN LATERAL (
                SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY c.answer_ms) AS fractions
                FROM callout c\(conditions.whereClause)
            ) a
            """
        var result: [StatsKey: AnswerPercentiles] = [:]
        for row in try db.rows(sql, arguments, cached: false) {
            guard let median: Double = row["median_ms"], let p90: Double = row["p90_ms"] else { continue }
            let week: String? = row["week"]
            let phase: Phase? = try (row["phase"] as String?).map { try StoredValue.enumeration($0) }
            let key = key(query, week: week, area: row["area"], phase: phase)
            result[key] = AnswerPercentiles(median: median / 1000, p90: p90 / 1000)
        }
        return result
    }
}
