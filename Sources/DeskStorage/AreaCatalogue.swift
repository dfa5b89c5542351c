import DeskCore
import GRDB

/// What syncing the configured areas changed.
public struct AreaSyncSummary: Sendable, Hashable {
    public var added: [String]
    public var updated: [String]
    public var deactivated: [String]
}

extension DeskDatabase {
    /// Makes the stored areas match `areas`: adds new ones, updates changed ones and deactivates
    /// those no longer listed (never deletes: incidents keep pointing at them). One transaction.
    ///
    /// Throws when a neighbour names an area that is not in the list.
    public func syncAreas(_ areas: [Area]) throws -> AreaSyncSummary {
        let known = Set(areas.map(\.id))
        for area in areas {
            for neighbour in area.neighbours where !known.contains(neighbour) || neighbour == area.id {
                throw StorageFailure(
                    "area \(area.id) lists \(neighbour) as a neighbour, which is not a known other area")
            }
        }
        return try pool.write { db in
            var summary = AreaSyncSummary(added: [], updated: [], deactivated: [])
            let existing = Dictionary(
                uniqueKeysWithValues: try AreaRecord.fetchAll(db).map { ($0.id, $0) }
            )
            let existingNeighbours = Set(
                try AreaNeighbourRecord.fetchAll(db).map { "\($0.areaID)>\($0.neighbourID)" }
            )
            for area in areas {
                let record = AreaRecord(id: area.id, name: area.name, city: area.city, active: true)
                if let old = existing[area.id] {
                    let oldNeighbours = existingNeighbours.filter { $0.hasPrefix(area.id + ">") }
                    let newNeighbours = Set(area.neighbours.map { "\(area.id)>\($0)" })
                    if old.name != record.name || old.city != record.city || !old.active
                        || oldNeighbours != newNeighbours
                    {
                        try record.update(db)
                        summary.updated.append(area.id)
                    }
                } else {
                    try record.insert(db)
                    summary.added.append(area.id)
                }
            }
            try db.execute(sql: "DELETE FROM area_neighbour")
            for area in areas {
                for neighbour in Set(area.neighbours) {
                    try AreaNeighbourRecord(areaID: area.id, neighbourID: neighbour).insert(db)
                }
            }
            for (id, record) in existing where !known.contains(id) && record.active {
                var inactive = record
                inactive.active = false
                try inactive.update(db)
                summary.deactivated.append(id)
            }
            summary.added.sort()
            summary.updated.sort()
            summary.deactivated.sort()
            return summary
        }
    }
}
