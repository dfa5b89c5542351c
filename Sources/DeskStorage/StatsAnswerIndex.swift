/// The acknowledged call-outs' answer times as the trends' percentiles read them
/// (`StatsAnswerQueries`): `callout.answer_ms` (from `created_at` to `updated_at`) and
/// `callout.answer_phase` (the incident's phase as it stands now, as the direct count has it), both
/// kept by triggers and NULL for a call-out that is not acknowledged, in two partial indexes,
/// `callout_answers` by area, phase and time and `callout_answers_by_phase` by phase and time. One
/// group's answers of one week are then one range of an index (or a range per phase), read
/// without a join to `incident` and without a key per answer.
///
/// `v20-stats-rollup` (`pg-v7-stats-rollup`) made `answer_ms` and an index by time;
/// `v21-answer-index` (`pg-v8-answer-index`) adds the phase, makes the two indexes in place of
/// that one and replaces the triggers.
enum StatsAnswerIndex {
    /// When a call-out's answer may have to change: it is or was acknowledged (a call-out created
    /// pending, most of them, costs nothing more).
    private static let changes = "NEW.state = 'acknowledged' OR NEW.answer_ms IS NOT NULL"

    /// The answer time of the call-out `row` (`NEW`, or the table's own row), or NULL.
    private static func milliseconds(_ row: String, _ dialect: SQLDialect) -> String {
        "CASE WHEN \(row).state = 'acknowledged' THEN "
            + SQLTime.milliseconds(from: "\(row).created_at", to: "\(row).updated_at", dialect) + " END"
    }

    /// The phase of the incident of the call-out `row`.
    private static func incidentPhase(_ row: String) -> String {
        "(SELECT i.phase FROM incident i WHERE i.id = \(row).incident_id)"
    }

    /// The answer phase of the call-out `row`: its incident's when it is acknowledged, or NULL.
    private static func phase(_ row: String) -> String {
        "CASE WHEN \(row).state = 'acknowledged' THEN \(incidentPhase(row)) END"
    }

    /// Moves the answers of the incident `NEW` to its new phase.
    private static let move =
        "UPDATE callout SET answer_phase = NEW.phase WHERE incident_id = NEW.id AND answer_ms IS NOT NULL"

    /// The indexes: each area's and phase's answers in time order (for a breakdown by area, or the
    /// areas of a responder), and each phase's (for the rest: by week or phase alone, or none).
    private static let indexes = [
        "CREATE INDEX callout_answers ON callout(area_id, answer_phase, created_at, answer_ms) "
            + "WHERE answer_ms IS NOT NULL",
        "CREATE INDEX callout_answers_by_phase ON callout(answer_phase, created_at, answer_ms) "
            + "WHERE answer_ms IS NOT NULL",
    ]

    /// `v21-answer-index` (SQLite) or `pg-v8-answer-index` (PostgreSQL, `text` its text type):
    /// v20's triggers and index dropped, the phase added and filled, then the indexes and the
    /// triggers made anew.
    static func migration(_ dialect: SQLDialect, text: String) -> [String] {
        let dropped =
            dialect == .sqlite
            ? ["DROP TRIGGER callout_answer_insert", "DROP TRIGGER callout_answer_update"]
            : ["DROP TRIGGER callout_answer ON callout", "DROP FUNCTION callout_answer()"]
        return dropped + [
            "DROP INDEX callout_answers",
            "ALTER TABLE callout ADD COLUMN answer_phase \(text)",
        ] + fill + indexes + triggers(dialect)
    }

    /// Sets every answer's phase from its incident (the migration, after v20's fill set
    /// `answer_ms`).
    static let fill = ["UPDATE callout SET answer_phase = \(incidentPhase("callout")) WHERE answer_ms IS NOT NULL"]

    /// Sets every call-out's answer time and phase from its row and its incident in one pass,
    /// touching only the rows whose answer is or should be set (a rebuild after a bulk load with
    /// the triggers out of the way; the migrations' fills touch every row, and twice).
    static func rebuild(_ dialect: SQLDialect) -> [String] {
        [
            """
            UPDATE callout SET answer_ms = \(milliseconds("callout", dialect)), answer_phase = \(phase("callout"))
            WHERE callout.state = 'acknowledged' OR answer_ms IS NOT NULL OR answer_phase IS NOT NULL
            """
        ]
    }

    /// The triggers that keep `answer_ms` and `answer_phase`: SQLite's update the call-out after
    /// it is written, PostgreSQL's set them before.
    static func triggers(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            let keep = """
                UPDATE callout SET answer_ms = \(milliseconds("NEW", .sqlite)), answer_phase = \(phase("NEW"))
                WHERE id = NEW.id
                """
            return [
                """
                CREATE TRIGGER callout_answer_insert AFTER INSERT ON callout FOR EACH ROW WHEN \(changes)
                BEGIN \(keep); END
                """,
                """
                CREATE TRIGGER callout_answer_update AFTER UPDATE OF state, created_at, updated_at, incident_id
                ON callout FOR EACH ROW WHEN \(changes) BEGIN \(keep); END
                """,
                """
                CREATE TRIGGER callout_answer_phase AFTER UPDATE OF phase ON incident FOR EACH ROW
                WHEN OLD.phase <> NEW.phase BEGIN \(move); END
                """,
            ]
        case .postgresql:
            return [
                """
                CREATE FUNCTION callout_answer() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                NEW.answer_ms := \(milliseconds("NEW", .postgresql));
                NEW.answer_phase := \(phase("NEW"));
                RETURN NEW;
                END $$
                """,
                """
                CREATE TRIGGER callout_answer BEFORE INSERT OR UPDATE OF state, created_at, updated_at, incident_id
                ON callout FOR EACH ROW WHEN (\(changes)) EXECUTE FUNCTION callout_answer()
                """,
                """
                CREATE FUNCTION callout_answer_phase() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                \(move);
                RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER callout_answer_phase AFTER UPDATE OF phase ON incident FOR EACH ROW
                WHEN (OLD.phase <> NEW.phase) EXECUTE FUNCTION callout_answer_phase()
                """,
            ]
        }
    }

    /// The names of SQLite's triggers.
    static let sqliteTriggers = ["callout_answer_insert", "callout_answer_update", "callout_answer_phase"]

    /// The triggers as `v20-stats-rollup` (`pg-v7-stats-rollup`) made them, answer times only;
    /// that migration still makes them, and the next replaces them.
    static func v20Triggers(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            let keep = "UPDATE callout SET answer_ms = \(milliseconds("NEW", .sqlite)) WHERE id = NEW.id"
            return [
                """
                CREATE TRIGGER callout_answer_insert AFTER INSERT ON callout FOR EACH ROW WHEN \(changes)
                BEGIN \(keep); END
                """,
                """
                CREATE TRIGGER callout_answer_update AFTER UPDATE OF state, created_at, updated_at ON callout FOR EACH ROW
                WHEN \(changes) BEGIN \(keep); END
                """,
            ]
        case .postgresql:
            return [
                """
                CREATE FUNCTION callout_answer() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                NEW.answer_ms := \(milliseconds("NEW", .postgresql));
                RETURN NEW;
                END $$
                """,
                """
                CREATE TRIGGER callout_answer BEFORE INSERT OR UPDATE OF state, created_at, updated_at ON callout
                FOR EACH ROW WHEN (\(changes)) EXECUTE FUNCTION callout_answer()
                """,
            ]
        }
    }
}
