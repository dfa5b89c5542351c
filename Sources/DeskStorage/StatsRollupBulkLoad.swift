/// A bulk load of rows (the bench's fill of a million incidents) with the trends' roll-up
/// (`StatsRollup`) out of the way: its triggers would add to it one row at a time. The roll-up is
/// then rebuilt set-based from the rows, as the migration fills it, and the schema left is the
/// one the migrations made.
///
/// SQLite: run `sqliteBefore`, the load, then `sqliteAfter` (drops the triggers, then empties,
/// fills and re-creates them). PostgreSQL: run the load and `postgresqlAfter` in one transaction
/// with `SET LOCAL session_replication_role = replica` (which needs a superuser), so no trigger
/// fires during either.
public enum StatsRollupBulkLoad {
    /// The names of SQLite's roll-up and answer-time triggers.
    private static var sqliteTriggers: [String] {
        StatsRollup.triggers.map(\.name) + StatsAnswerIndex.sqliteTriggers
    }

    /// Empties the roll-up and fills it and the answers from the rows (`StatsRollup.fill`,
    /// `StatsAnswerIndex.rebuild`).
    private static func rebuild(_ dialect: SQLDialect) -> [String] {
        ["stats_unstaffed", StatsRollup.incidents.table, StatsRollup.callOuts.table, StatsRollup.followUps.table]
            .map { "DELETE FROM \($0)" } + StatsRollup.fill(dialect, answers: false) + StatsAnswerIndex.rebuild(dialect)
    }

    /// SQLite, before the load: drops the roll-up's triggers.
    public static var sqliteBefore: [String] { sqliteTriggers.map { "DROP TRIGGER \($0)" } }

    /// SQLite, after the load: the roll-up rebuilt from the rows, then its triggers re-created.
    public static var sqliteAfter: [String] {
        rebuild(.sqlite) + StatsRollup.sqlite + StatsAnswerIndex.triggers(.sqlite)
    }

    /// PostgreSQL, after the load and in its transaction (triggers off by
    /// `session_replication_role = replica`): the roll-up rebuilt from the rows.
    public static var postgresqlAfter: [String] { rebuild(.postgresql) }
}
