import DeskCore

/// The trends' figures (`StatsReader`), counted by the database in one read each, from the
/// roll-up (`StatsRollupQueries`).
extension SQLDeskStore: StatsReader {
    public func incidentFigures(_ query: StatsQuery) async throws -> [IncidentFigures] {
        try await read { db in
            try StatsRollupQueries.incidents(query, in: db)
        }
    }

    public func callOutFigures(_ query: StatsQuery) async throws -> [CallOutFigures] {
        try await read { db in
            try StatsRollupQueries.callOuts(query, in: db)
        }
    }

    public func followUpFigures(_ query: StatsQuery) async throws -> [FollowUpFigures] {
        try await read { db in
            try StatsRollupQueries.followUps(query, in: db)
        }
    }
}
