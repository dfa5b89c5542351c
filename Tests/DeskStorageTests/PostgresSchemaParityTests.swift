import DeskCore
import DeskTestSupport
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// The two engines keep the same tables with the same columns (name, whether NULL is allowed),
/// so that a migration added for one and forgotten for the other fails here, not in production.
@Suite(.enabled(if: TestEngine.clusterURL != nil)) struct PostgresSchemaParityTests {
    @Test func bothEnginesHaveTheSameTablesAndColumns() async throws {
        let sqlitePlace = try TestDatabasePlace.fresh(.sqlite)
        let sqlite = try #require(try sqlitePlace.open() as? DeskDatabase)
        let postgresPlace = try TestDatabasePlace.fresh(.postgresql)
        let postgres = try #require(try postgresPlace.open() as? PostgresDeskDatabase)
        defer { postgres.close() }
        let sqliteColumns = try await sqlite.pool.read { db -> Set<String> in
            var columns: Set<String> = []
            let tables = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table'
                    AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                    """)
            for table in tables {
                for column in try Row.fetchAll(db, sql: "PRAGMA table_info(\(table.quotedDatabaseIdentifier))") {
                    let name: String = column["name"]
                    let notNull: Bool = column["notnull"] || column["pk"] as Int > 0
                    columns.insert("\(table).\(name) \(notNull ? "NOT NULL" : "NULL")")
                }
            }
            return columns
        }
        let postgresColumns = try postgres.transaction { db -> Set<String> in
            Set(
                try db.values(
                    String.self,
                    """
                    SELECT table_name || '.' || column_name || ' ' ||
                        CASE WHEN is_nullable = 'NO' THEN 'NOT NULL' ELSE 'NULL' END
                    FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name <> 'desk_migration'
                    """))
        }
        #expect(sqliteColumns.subtracting(postgresColumns).sorted() == [], "only on SQLite")
        #expect(postgresColumns.subtracting(sqliteColumns).sorted() == [], "only on PostgreSQL")
        #expect(sqliteColumns.count > 100)
    }
}
