import DeskCore
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// The writer inserts reports from a cached statement with its own encoder (`ColumnValues`); the
/// row it stores must be the one GRDB's record insert stores, column for column, with every
/// optional field given and with none.
@Suite struct ReportInsertTests {
    let directory: TemporaryDirectory
    let database: DeskDatabase
    let desk: Desk

    init() async throws {
        (directory, database, desk) = try await freshDesk()
    }

    static let fields: [ReportFields] = [
        ReportFields(area: "bredang", text: "Rök i trapphuset"),
        ReportFields(
            area: "bredang", text: "Brand i källaren, två skadade", title: "Källarbrand",
            occurredAt: Date(timeIntervalSince1970: 1_795_000_000.123), location: "Ålgrytevägen 12",
            reporterName: "Sara", reporterContact: "070-123 45 67", injured: 2, ongoing: true, category: .fire,
            phase: .during),
        ReportFields(area: "bredang", text: "Oro efter branden", injured: 0, ongoing: false, phase: .after),
    ]

    @Test(arguments: fields.indices)
    func theCachedInsertStoresWhatGRDBStores(index: Int) async throws {
        let incident = try await desk.submit(ReportFields(area: "bredang", text: "Det brinner", phase: .during))
            .incident
        let ids = IDGenerator(clock: SystemWallClock())
        let (viaGRDB, viaCache) = (ids.next(), ids.next())
        func report(_ id: DeskID) -> Report {
            Report(
                id: id, incidentID: incident.id, receivedAt: Date(timeIntervalSince1970: 1_795_000_100.5),
                actor: Actor(rawValue: "officer:test"), transport: .tcp,
                classification: StoredClassification(storedJSON: #"{"phase":"during"}"#), fields: Self.fields[index])
        }
        let (first, second) = (report(viaGRDB), report(viaCache))
        let rows: [[String: DatabaseValue]] = try await database.pool.write { db in
            try ReportRecord(first).insert(db)
            try ReportRecord(second).insert(in: db)
            return try [viaGRDB, viaCache].map { id in
                let row = try #require(
                    try Row.fetchOne(db, sql: "SELECT * FROM report WHERE id = ?", arguments: [id.rawValue]))
                return Dictionary(uniqueKeysWithValues: row.map { ($0, $1) })
            }
        }
        #expect(rows[0].count > 10)
        #expect(rows[0].keys.sorted() == rows[1].keys.sorted())
        for (column, value) in rows[0] where column != "id" {
            #expect(value == rows[1][column], "column \(column)")
        }
        #expect(try await database.pool.write { db in try ReportRecord.fetch(viaCache, in: db) } == second)
    }

    /// A value that is not a column (an object or an array) is refused, not flattened or dropped.
    @Test func nestedValuesAreNotColumns() {
        struct Nested: Encodable {
            var name = "x"
            var parts = ["a", "b"]
        }
        #expect(throws: EncodingError.self) { try ColumnValues.encode(Nested()) }
    }
}
