import DeskCore
import GRDB

/// A row of `area`.
struct AreaRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "area"

    var id: String
    var name: String
    var city: String
    var active: Bool

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let active = Column(CodingKeys.active)
    }
}

/// A row of `area_neighbour`.
struct AreaNeighbourRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "area_neighbour"

    var areaID: String
    var neighbourID: String

    enum CodingKeys: String, CodingKey {
        case areaID = "area_id"
        case neighbourID = "neighbour_id"
    }
}
