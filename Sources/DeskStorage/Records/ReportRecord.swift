import DeskCore
import Foundation
import GRDB
import Synchronization

/// A row of `report`. What the reporter said (`ReportFields`) is stored by its own `Codable`
/// conformance, one column per field in snake_case (`occurredAt` → `occurred_at`; `area` is the
/// column `area_id`), so a new field needs only its column; the rest is what the desk recorded.
struct ReportRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "report"

    var id: String
    var incidentID: String
    var receivedAt: String
    var actor: String
    var transport: String
    /// Canonical JSON of what the classifier made of the report.
    var classification: String?
    var erasedAt: String?
    var fields: ReportFields

    /// The columns the desk itself fills.
    enum Recorded: String, CodingKey, CaseIterable {
        case id, actor, transport, classification
        case incidentID = "incident_id"
        case receivedAt = "received_at"
        case erasedAt = "erased_at"
    }

    init(_ report: Report) {
        id = report.id.rawValue
        incidentID = report.incidentID.rawValue
        receivedAt = Timestamp.format(report.receivedAt)
        actor = report.actor.rawValue
        transport = report.transport.rawValue
        classification = report.classification?.json
        erasedAt = nil
        fields = report.fields
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Recorded.self)
        id = try container.decode(String.self, forKey: .id)
        incidentID = try container.decode(String.self, forKey: .incidentID)
        receivedAt = try container.decode(String.self, forKey: .receivedAt)
        actor = try container.decode(String.self, forKey: .actor)
        transport = try container.decode(String.self, forKey: .transport)
        classification = try container.decodeIfPresent(String.self, forKey: .classification)
        erasedAt = try container.decodeIfPresent(String.self, forKey: .erasedAt)
        fields = try ReportFields(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Recorded.self)
        try container.encode(id, forKey: .id)
        try container.encode(incidentID, forKey: .incidentID)
        try container.encode(receivedAt, forKey: .receivedAt)
        try container.encode(actor, forKey: .actor)
        try container.encode(transport, forKey: .transport)
        try container.encode(classification, forKey: .classification)
        try container.encode(erasedAt, forKey: .erasedAt)
        try fields.encode(to: encoder)
    }

    func report() throws -> Report {
        Report(
            id: try StoredValue.id(id), incidentID: try StoredValue.id(incidentID),
            receivedAt: try StoredValue.time(receivedAt), actor: Actor(rawValue: actor),
            transport: try StoredValue.enumeration(transport),
            classification: classification.map(StoredClassification.init(storedJSON:)), fields: fields)
    }

    // MARK: Columns

    private static let recorded = Set(Recorded.allCases.map(\.stringValue))

    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy {
        .custom { key in column(for: key.stringValue) }
    }

    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy {
        .custom { column in AnyKey(field(for: column)) }
    }

    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { Timestamp.format($0) }
    }

    static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .custom { value in String.fromDatabaseValue(value).flatMap(Timestamp.parse) }
    }

    /// Names already worked out: every row is encoded through `column(for:)` and decoded through
    /// `field(for:)`, and the names are the same few each time.
    private static let knownColumns = Mutex<[String: String]>([:])
    private static let knownFields = Mutex<[String: String]>([:])

    /// `name` translated by `translate`, worked out once and then read from `known`.
    private static func remembered(
        _ name: String, in known: borrowing Mutex<[String: String]>, _ translate: (String) -> String
    ) -> String {
        if let remembered = known.withLock({ $0[name] }) { return remembered }
        let translated = translate(name)
        known.withLock { $0[name] = translated }
        return translated
    }

    /// The column of a coding key: the desk's own as they are, a field's in snake_case.
    static func column(for key: String) -> String { remembered(key, in: knownColumns, snakeCase) }

    private static func snakeCase(_ key: String) -> String {
        if recorded.contains(key) { return key }
        if key == "area" { return "area_id" }
        var column = ""
        for character in key {
            if character.isUppercase {
                column += "_" + character.lowercased()
            } else {
                column.append(character)
            }
        }
        return column
    }

    /// The coding key of a column: the inverse of `column(for:)`.
    static func field(for column: String) -> String { remembered(column, in: knownFields, camelCase) }

    private static func camelCase(_ column: String) -> String {
        if recorded.contains(column) { return column }
        if column == "area_id" { return "area" }
        var key = ""
        var upper = false
        for character in column {
            if character == "_" {
                upper = true
            } else {
                key += upper ? character.uppercased() : String(character)
                upper = false
            }
        }
        return key
    }

    /// Inserts the row from a cached statement: what `insert(_:)` stores, for the writer, which
    /// inserts thousands of rows of this one shape (`ColumnValues`).
    func insert(in db: any SQLConnection) throws {
        let row = try ColumnValues.encode(self)
        try db.enqueue(Self.insertSQL(for: row), row.values.map { $0 })
    }

    /// The insert statement's text for the last shape of row seen (there is one).
    private static let lastInsertSQL = Mutex<(keys: [String], sql: String)?>(nil)

    private static func insertSQL(for row: ColumnValues) -> String {
        if let known = lastInsertSQL.withLock({ $0 }), known.keys == row.keys { return known.sql }
        let sql = row.insertSQL(into: databaseTableName, column: column(for:))
        lastInsertSQL.withLock { $0 = (row.keys, sql) }
        return sql
    }

    /// The report with this id, if any.
    static func fetch(_ id: DeskID, in db: any SQLConnection) throws -> Report? {
        try db.row("SELECT * FROM report WHERE id = ?", [id.rawValue]).map { try ReportRecord(row: $0).report() }
    }

    /// The reports of an incident, oldest first.
    static func fetchAll(of incident: DeskID, in db: any SQLConnection) throws -> [Report] {
        try db.rows("SELECT * FROM report WHERE incident_id = ? ORDER BY id", [incident.rawValue]).map {
            try ReportRecord(row: $0).report()
        }
    }
}

/// A coding key made from a column name.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
