import GRDB
import GRDBSQLite

extension Statement {
    /// Appends the first column of every row of this statement (an integer; NULL reads as 0) to
    /// `values`, with `arguments` bound: stepped with SQLite's C API, a value at a time, with no
    /// row, cursor or generic call per value (a read of several hundred thousand values, such as
    /// the trends' answer times, is otherwise mostly spent there). The statement is reset after.
    func appendIntegers(to values: inout [Int64], arguments: StatementArguments) throws {
        try setArguments(arguments)
        let statement = sqliteStatement
        defer { sqlite3_reset(statement) }
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                values.append(sqlite3_column_int64(statement, 0))
            case SQLITE_DONE:
                return
            case let code:
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code),
                    message: String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))), sql: sql)
            }
        }
    }
}
