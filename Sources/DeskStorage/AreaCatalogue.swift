import DeskCore
import GRDB

/// What syncing the configured areas changed.
public struct AreaSyncSummary: Sendable, Hashable {
    public var added: [String]
    public var updated: [String]
    public var deactivated: [String]
}

/// Rows of `area` and `area_neighbour`, on either engine.
enum AreaRows {
    /// Every area, active or not, with its neighbours.
    static func areas(in db: any SQLConnection) throws -> [Area] {
        var neighbours: [String: [String]] = [:]
        for row in try db.rows("SELECT area_id, neighbour_id FROM area_neighbour") {
            neighbours[row["area_id"], default: []].append(row["neighbour_id"])
        }
        return try db.rows("SELECT id, name, city, active FROM area ORDER BY id").map { row in
            let id: String = row["id"]
            return Area(
                id: id, name: row["name"], city: row["city"], neighbours: (neighbours[id] ?? []).sorted(),
                active: row["active"])
        }
    }

    /// Throws when a neighbour names an area that is not in the list, or the area itself.
    static func check(_ areas: [Area]) throws {
        let known = Set(areas.map(\.id))
        for area in areas {
            for neighbour in area.neighbours where !known.contains(neighbour) || neighbour == area.id {
                throw StorageFailure(
                    "area \(area.id) lists \(neighbour) as a neighbour, which is not a known other area")
            }
        }
    }

    /// Makes the stored areas match `areas` in the caller's transaction: adds new ones, updates
    /// changed ones and deactivates those no longer listed (never deletes: incidents keep pointing
    /// at them).
    static func sync(_ areas: [Area], in db: any SQLConnection) throws -> AreaSyncSummary {
        try check(areas)
        let known = Set(areas.map(\.id))
        var summary = AreaSyncSummary(added: [], updated: [], deactivated: [])
        let existing = Dictionary(uniqueKeysWithValues: try Self.areas(in: db).map { ($0.id, $0) })
        for area in areas {
            if let old = existing[area.id] {
                if old.name != area.name || old.city != area.city || !old.active
                    || Set(old.neighbours) != Set(area.neighbours)
                {
                    try db.execute(
                        "UPDATE area SET name = ?, city = ?, active = 1 WHERE id = ?", [area.name, area.city, area.id])
                    summary.updated.append(area.id)
                }
            } else {
                try db.execute(
                    "INSERT INTO area (id, name, city, active) VALUES (?, ?, ?, 1)", [area.id, area.name, area.city])
                summary.added.append(area.id)
            }
        }
        try db.execute("DELETE FROM area_neighbour", [])
        for area in areas {
            for neighbour in Set(area.neighbours).sorted() {
                try db.execute(
                    "INSERT INTO area_neighbour (area_id, neighbour_id) VALUES (?, ?)", [area.id, neighbour])
            }
        }
        for (id, old) in existing where !known.contains(id) && old.active {
            try db.execute("UPDATE area SET active = 0 WHERE id = ?", [id])
            summary.deactivated.append(id)
        }
        summary.added.sort()
        summary.updated.sort()
        summary.deactivated.sort()
        return summary
    }
}

extension DeskDatabase {
    /// Makes the stored areas match `areas` (see `AreaRows.sync`), in one transaction.
    ///
    /// Throws when a neighbour names an area that is not in the list.
    public func syncAreas(_ areas: [Area]) throws -> AreaSyncSummary {
        try AreaRows.check(areas)
        return try pool.write { db in try AreaRows.sync(areas, in: db) }
    }
}
