/// The figures the trends are drawn from, counted by the database (`GET /v1/stats/…`,
/// `deskctl stats`, the console's Trends page). Each returns the groups that have something in
/// them; `StatsReads` fills in the empty weeks. Errors are `DeskError`.
public protocol StatsReader: Sendable {
    /// Incidents by the week they were opened in.
    func incidentFigures(_ query: StatsQuery) async throws -> [IncidentFigures]

    /// Call-outs by the week they were made in.
    func callOutFigures(_ query: StatsQuery) async throws -> [CallOutFigures]

    /// Follow-ups by the week they are (or were) due in.
    func followUpFigures(_ query: StatsQuery) async throws -> [FollowUpFigures]
}
