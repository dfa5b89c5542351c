import DeskCore

/// The trends' figures (`StatsReader`), counted by the database in one read each.
extension SQLDeskStore: StatsReader {
    public func incidentFigures(_ query: StatsQuery) async throws -> [IncidentFigures] {
        try await read { db in try StatsQueries.incidents(query, in: db) }
    }

    public func callOutFigures(_ query: StatsQuery) async throws -> [CallOutFigures] {
        try await read { db in try StatsQueries.callOuts(query, in: db) }
    }

    public func followUpFigures(_ query: StatsQuery) async throws -> [FollowUpFigures] {
        try await read { db in try StatsQueries.followUps(query, in: db) }
    }
}
