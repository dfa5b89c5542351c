/// The trends' roll-up (`v20-stats-rollup`, `pg-v7-stats-rollup`): incidents, call-outs and
/// follow-ups counted per UTC day and per UTC hour × area × phase, kept by triggers in the same
/// transaction as every insert, update and delete of the rows they count (whatever writes them:
/// the commands, the timers, `storage copy`, the bench's SQL), filled for existing rows by the
/// migration. A week of the desk's time zone starts on a whole UTC hour in every zone whose offset
/// is whole hours (Stockholm's), so a week is its whole UTC days plus the hours at either end; in
/// a zone whose offset is not, the minutes before its first whole hour and after its last are
/// counted from the rows and added (`StatsRollupQueries.Split`).
///
/// The phase is the incident's as it stands now, as the direct count has it: a phase change moves
/// the incident's call-outs and follow-ups with it. An incident counts as unstaffed once any of
/// its staffing rows has `unstaffed_at`; `stats_unstaffed` remembers which incidents are counted
/// so, which makes the count right whatever order a statement's rows change in. Erasure and
/// retention redact texts and delete no counted row, so the figures stay as the direct count's.
///
/// The answer time of an acknowledged call-out (`callout.answer_ms`, from `created_at` to
/// `updated_at`) is kept by a trigger too, so that the percentiles read it from one index
/// (`StatsAnswerIndex`, which `v21-answer-index` rebuilt with the phase beside it).
enum StatsRollup {
    /// What one roll-up table counts: its name, the counted table, the row's time, area and
    /// phase, and each counter's value for one row (1 or 0).
    struct Kind: Sendable {
        let table: String
        let source: String
        let time: String
        let counters: [(name: String, value: @Sendable (_ row: String) -> String)]
        /// Columns whose change moves a row between groups or counters.
        let columns: [String]

        /// The columns that choose a row's group (its time, area and incident or phase); the
        /// others of `columns` only move it between counters.
        var groupColumns: [String] { columns.filter { [time, "area_id", "phase", "incident_id"].contains($0) } }
    }

    static let incidents = Kind(
        table: "stats_incident_rollup", source: "incident", time: "opened_at",
        counters: [
            ("incidents", { _ in "1" }),
            (
                "unstaffed",
                { row in
                    "CASE WHEN EXISTS (SELECT 1 FROM stats_unstaffed u WHERE u.incident_id = \(row).id) THEN 1 ELSE 0 END"
                }
            ),
        ], columns: ["opened_at", "area_id", "phase"])

    static let callOuts = Kind(
        table: "stats_callout_rollup", source: "callout", time: "created_at",
        counters: [
            ("callouts", { _ in "1" }),
            ("acknowledged", { "CASE WHEN \($0).state = 'acknowledged' THEN 1 ELSE 0 END" }),
            ("declined", { "CASE WHEN \($0).state = 'declined' THEN 1 ELSE 0 END" }),
            ("escalated", { "CASE WHEN \($0).state = 'escalated' THEN 1 ELSE 0 END" }),
            ("expired", { "CASE WHEN \($0).state = 'expired' THEN 1 ELSE 0 END" }),
            ("waiting", { "CASE WHEN \($0).state IN ('pending', 'notified') THEN 1 ELSE 0 END" }),
        ], columns: ["created_at", "area_id", "state", "incident_id"])

    static let followUps = Kind(
        table: "stats_followup_rollup", source: "followup", time: "due_at",
        counters: [
            ("due", { "CASE WHEN \($0).state <> 'cancelled' THEN 1 ELSE 0 END" }),
            ("on_time", { "CASE WHEN \($0).state = 'done' AND \($0).updated_at <= \($0).due_at THEN 1 ELSE 0 END" }),
            ("late", { "CASE WHEN \($0).state = 'done' AND \($0).updated_at > \($0).due_at THEN 1 ELSE 0 END" }),
            ("open", { "CASE WHEN \($0).state IN ('open', 'escalated') THEN 1 ELSE 0 END" }),
        ], columns: ["due_at", "area_id", "state", "updated_at", "incident_id"])

    /// The two grains, as a one-column row source.
    private static let grains = "(SELECT 'day' AS grain UNION ALL SELECT 'hour' AS grain) g"

    /// The bucket of the timestamp text `time` in grain `g.grain`: `2026-12-06` or `2026-12-06T13`.
    static func bucket(_ time: String) -> String {
        "CASE g.grain WHEN 'day' THEN substr(\(time), 1, 10) ELSE substr(\(time), 1, 13) END"
    }

    /// `INSERT … SELECT … ON CONFLICT DO UPDATE` adding `sign` × each counter of the rows `row`
    /// (an alias or NEW/OLD) found by `from` and `condition`, in phase `phase`; grouped when
    /// `grouped` (several rows per statement).
    private static func add(
        _ kind: Kind, row: String, phase: String, sign: String, from: String, condition: String, grouped: Bool
    ) -> String {
        let names = kind.counters.map(\.name)
        let values = kind.counters.map { counter in
            grouped ? "\(sign) * sum(\(counter.value(row)))" : "\(sign) * \(counter.value(row))"
        }
        return """
            INSERT INTO \(kind.table) (grain, bucket, area_id, phase, \(names.joined(separator: ", ")))
            SELECT g.grain, \(bucket("\(row).\(kind.time)")), \(row).area_id, \(phase), \(values.joined(separator: ", "))
            FROM \(grains)\(from) WHERE \(condition)\(grouped ? " GROUP BY 1, 2, 3, 4" : "")
            ON CONFLICT (grain, bucket, area_id, phase) DO UPDATE SET
            \(names.map { "\($0) = \(kind.table).\($0) + excluded.\($0)" }.joined(separator: ", "))
            """
    }

    /// Adds (`sign` 1) or takes away (-1) the row `row` (NEW or OLD) of `kind`'s table.
    private static func change(_ kind: Kind, _ row: String, sign: Int) -> String {
        if kind.source == "incident" {
            return add(
                kind, row: row, phase: "\(row).phase", sign: "\(sign)", from: "", condition: "1 = 1", grouped: false)
        }
        return add(
            kind, row: row, phase: "i.phase", sign: "\(sign)", from: " JOIN incident i ON i.id = \(row).incident_id",
            condition: "1 = 1", grouped: false)
    }

    /// Moves every call-out or follow-up of the incident from its OLD phase to its NEW one.
    private static func move(_ kind: Kind) -> [String] {
        [("OLD", "-1"), ("NEW", "1")].map { incident, sign in
            add(
                kind, row: "x", phase: "\(incident).phase", sign: sign, from: " JOIN \(kind.source) x ON 1 = 1",
                condition: "x.incident_id = \(incident).id", grouped: true)
        }
    }

    /// Makes `stats_unstaffed` and the incident's `unstaffed` count agree with its staffing rows.
    private static func syncUnstaffed(_ incident: String) -> [String] {
        let unstaffedNow =
            "EXISTS (SELECT 1 FROM staffing s WHERE s.incident_id = \(incident) AND s.unstaffed_at IS NOT NULL)"
        let counted = "EXISTS (SELECT 1 FROM stats_unstaffed u WHERE u.incident_id = \(incident))"
        func count(_ sign: String, _ condition: String) -> String {
            """
            INSERT INTO stats_incident_rollup (grain, bucket, area_id, phase, incidents, unstaffed)
            SELECT g.grain, \(bucket("i.opened_at")), i.area_id, i.phase, 0, \(sign)
            FROM \(grains) JOIN incident i ON 1 = 1 WHERE i.id = \(incident) AND \(condition)
            ON CONFLICT (grain, bucket, area_id, phase) DO UPDATE SET
            unstaffed = stats_incident_rollup.unstaffed + excluded.unstaffed
            """
        }
        return [
            count("1", "\(unstaffedNow) AND NOT \(counted)"),
            "INSERT INTO stats_unstaffed (incident_id) SELECT \(incident) WHERE \(unstaffedNow) AND NOT \(counted)",
            count("-1", "NOT \(unstaffedNow) AND \(counted)"),
            "DELETE FROM stats_unstaffed WHERE incident_id = \(incident) AND NOT \(unstaffedNow)",
        ]
    }

    /// One trigger: its name, table, event, condition on OLD/NEW and statements.
    struct Trigger {
        let name: String
        let table: String
        let event: String
        let condition: String?
        let statements: [String]
    }

    /// Every roll-up trigger, the same statements on both engines.
    static var triggers: [Trigger] {
        var triggers: [Trigger] = []
        for kind in [incidents, callOuts, followUps] {
            // Only a change that moves the row to another group or counter: a call-out going
            // from pending to notified, or a follow-up's updated_at moving while it stays open,
            // changes no figure and costs nothing more.
            let moved = kind.groupColumns.map { "OLD.\($0) <> NEW.\($0)" }
            let countsColumns = kind.columns.contains { !kind.groupColumns.contains($0) }
            let counted = kind.counters.filter { countsColumns && $0.value("OLD") != $0.value("NEW") }.map {
                "(\($0.value("OLD"))) <> (\($0.value("NEW")))"
            }
            let changed = (moved + counted).joined(separator: " OR ")
            triggers += [
                Trigger(
                    name: "\(kind.table)_insert", table: kind.source, event: "INSERT", condition: nil,
                    statements: [change(kind, "NEW", sign: 1)]),
                Trigger(
                    name: "\(kind.table)_update", table: kind.source,
                    event: "UPDATE OF \(kind.columns.joined(separator: ", "))", condition: changed,
                    statements: [change(kind, "OLD", sign: -1), change(kind, "NEW", sign: 1)]),
                Trigger(
                    name: "\(kind.table)_delete", table: kind.source, event: "DELETE", condition: nil,
                    statements: [change(kind, "OLD", sign: -1)]),
            ]
        }
        triggers.append(
            Trigger(
                name: "stats_rollup_phase", table: "incident", event: "UPDATE OF phase",
                condition: "OLD.phase <> NEW.phase", statements: move(callOuts) + move(followUps)))
        triggers += [
            Trigger(
                name: "stats_unstaffed_insert", table: "staffing", event: "INSERT",
                condition: "NEW.unstaffed_at IS NOT NULL",
                statements: syncUnstaffed("NEW.incident_id")),
            Trigger(
                name: "stats_unstaffed_update", table: "staffing", event: "UPDATE OF unstaffed_at, incident_id",
                condition:
                    "(OLD.unstaffed_at IS NULL) <> (NEW.unstaffed_at IS NULL) OR OLD.incident_id <> NEW.incident_id",
                statements: syncUnstaffed("OLD.incident_id") + syncUnstaffed("NEW.incident_id")),
            Trigger(
                name: "stats_unstaffed_delete", table: "staffing", event: "DELETE",
                condition: "OLD.unstaffed_at IS NOT NULL",
                statements: syncUnstaffed("OLD.incident_id")),
        ]
        return triggers
    }

    /// The tables, with `text` as the text type; on SQLite (`withoutRowID`) each stored in its
    /// primary key's order, so that a range of buckets is a run of neighbouring pages.
    static func tables(text: String, withoutRowID: Bool = false) -> [String] {
        var statements = ["CREATE TABLE stats_unstaffed (incident_id \(text) PRIMARY KEY)"]
        for kind in [incidents, callOuts, followUps] {
            statements.append(
                """
                CREATE TABLE \(kind.table) (
                    grain \(text) NOT NULL CHECK (grain IN ('day', 'hour')),
                    bucket \(text) NOT NULL,
                    area_id \(text) NOT NULL,
                    phase \(text) NOT NULL,
                    \(kind.counters.map { "\($0.name) INTEGER NOT NULL" }.joined(separator: ",\n    "))
                    , PRIMARY KEY (grain, bucket, area_id, phase)
                )\(withoutRowID ? " WITHOUT ROWID" : "")
                """)
        }
        statements.append("ALTER TABLE callout ADD COLUMN answer_ms BIGINT")
        statements.append(
            "CREATE INDEX callout_answers ON callout(created_at, area_id, answer_ms, incident_id) "
                + "WHERE answer_ms IS NOT NULL")
        return statements
    }

    /// Fills the roll-up from the rows already stored (the migration; also a rebuild), in primary
    /// key order (on PostgreSQL the table's pages then hold neighbouring buckets, as the
    /// triggers' inserts in time order later do).
    /// With `answers` false, the roll-up only (`StatsAnswerIndex.rebuild` sets the answers).
    static func fill(_ dialect: SQLDialect, answers: Bool = true) -> [String] {
        let answer = SQLTime.milliseconds(from: "created_at", to: "updated_at", dialect)
        var statements =
            answers ? ["UPDATE callout SET answer_ms = CASE WHEN state = 'acknowledged' THEN \(answer) END"] : []
        statements += [
            """
            INSERT INTO stats_unstaffed (incident_id)
            SELECT DISTINCT incident_id FROM staffing WHERE unstaffed_at IS NOT NULL
            """
        ]
        for kind in [incidents, callOuts, followUps] {
            let names = kind.counters.map(\.name)
            let phase = kind.source == "incident" ? "x.phase" : "i.phase"
            let join = kind.source == "incident" ? "" : " JOIN incident i ON i.id = x.incident_id"
            statements.append(
                """
                INSERT INTO \(kind.table) (grain, bucket, area_id, phase, \(names.joined(separator: ", ")))
                SELECT g.grain, \(bucket("x.\(kind.time)")), x.area_id, \(phase),
                    \(kind.counters.map { "sum(\($0.value("x")))" }.joined(separator: ", "))
                FROM \(kind.source) x\(join) CROSS JOIN \(grains) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
                """)
        }
        return statements
    }

    /// SQLite's roll-up triggers (the answer time's are `StatsAnswerIndex`'s).
    static var sqlite: [String] {
        triggers.map { trigger in
            """
            CREATE TRIGGER \(trigger.name) AFTER \(trigger.event) ON \(trigger.table) FOR EACH ROW\
            \(trigger.condition.map { " WHEN \($0)" } ?? "")
            BEGIN
            \(trigger.statements.map { $0 + ";" }.joined(separator: "\n"))
            END
            """
        }
    }

    /// PostgreSQL's: a function per trigger.
    static var postgresql: [String] {
        triggers.flatMap { trigger in
            [
                """
                CREATE FUNCTION \(trigger.name)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                \(trigger.statements.map { $0 + ";" }.joined(separator: "\n"))
                RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER \(trigger.name) AFTER \(trigger.event) ON \(trigger.table) FOR EACH ROW\
                \(trigger.condition.map { " WHEN (\($0))" } ?? "") EXECUTE FUNCTION \(trigger.name)()
                """,
            ]
        }
    }
}
