import DeskCore
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// An incident's new state is written column by column, only where it differs from the state the
/// command read: every column must still reach the disk when it changes, and one that did not
/// change is not written (so SQLite leaves its indexes alone).
@Suite struct IncidentUpdateTests {
    let directory: TemporaryDirectory
    let database: DeskDatabase
    let desk: Desk

    init() async throws {
        (directory, database, desk) = try await freshDesk()
    }

    /// A stored incident, opened by one report.
    func storedIncident() async throws -> Incident {
        try await desk.submit(ReportFields(area: "bredang", text: "Det brinner i en bil", phase: .during)).incident
    }
    /// Each change of one field, named by its column.
    static let changes: [(column: String, change: @Sendable (inout Incident) -> Void)] = [
        ("area_id", { $0.areaID = "satra" }),
        ("title", { $0.title = "Brand i källaren" }),
        ("phase", { $0.phase = .after }),
        ("category", { $0.category = .flood }),
        ("severity", { $0.severity = 4 }),
        (
            "status",
            {
                $0.status = .closed; $0.closedAt = $0.updatedAt
            }
        ),
        ("opened_at", { $0.openedAt = $0.openedAt.addingTimeInterval(-60) }),
        ("updated_at", { $0.updatedAt = $0.updatedAt.addingTimeInterval(60) }),
        ("outcome", { $0.outcome = "Släckt" }),
        ("report_count", { $0.reportCount += 1 }),
        ("needs_review", { $0.needsReview.toggle() }),
        ("classification", { $0.classification = StoredClassification(storedJSON: #"{"phase":"after"}"#) }),
        ("last_report_at", { $0.lastReportAt = $0.lastReportAt.addingTimeInterval(30) }),
        ("erased_at", { $0.erasedAt = $0.updatedAt }),
    ]

    @Test(arguments: changes.indices)
    func aChangedColumnIsWrittenAndNoOther(index: Int) async throws {
        let (column, change) = Self.changes[index]
        let stored = try await storedIncident()
        var next = stored
        change(&next)
        let changed = next
        let statements = try await database.pool.write { db in
            var sql: [String] = []
            db.trace { event in
                if case .statement(let statement) = event, statement.sql.hasPrefix("UPDATE incident") {
                    sql.append(statement.sql)
                }
            }
            defer { db.trace(options: [], nil) }
            try IncidentRows.update(changed, from: stored, in: db)
            return sql
        }
        let assigned = statements.first.map(Self.assignedColumns) ?? []
        let expected: Set<String> = column == "status" ? ["status", "closed_at"] : [column]
        #expect(statements.count == 1)
        #expect(assigned == expected, "\(statements)")
        let read = try await database.pool.read { db in try IncidentRows.fetch(stored.id, in: db) }
        #expect(read == changed)
    }

    @Test func anUnchangedIncidentWritesNothing() async throws {
        let stored = try await storedIncident()
        let changes = try await database.pool.write { db in
            let before = db.totalChangesCount
            try IncidentRows.update(stored, from: stored, in: db)
            return db.totalChangesCount - before
        }
        #expect(changes == 0)
    }

    @Test func anUpdateOfAnIncidentThatIsNotStoredFails() async throws {
        let stored = try await storedIncident()
        var other = stored
        other.id = try #require(DeskID("01a23d37-0000-7000-8000-000000000000"))
        var next = other
        next.reportCount += 1
        let (changed, previous) = (next, other)
        await #expect(throws: DeskError.incidentNotFound(other.id.rawValue)) {
            try await database.pool.write { db in try IncidentRows.update(changed, from: previous, in: db) }
        }
    }

    /// The columns an `UPDATE incident SET a = ?, b = ? WHERE …` statement assigns.
    static func assignedColumns(_ sql: String) -> Set<String> {
        guard let set = sql.range(of: " SET "), let whereClause = sql.range(of: " WHERE ") else { return [] }
        return Set(
            sql[set.upperBound..<whereClause.lowerBound].split(separator: ",").compactMap {
                $0.split(separator: "=").first.map { $0.trimmingCharacters(in: .whitespaces) }
            })
    }
}
