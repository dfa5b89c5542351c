import Foundation

/// The trends: incidents, call-outs and follow-ups per ISO week (in the desk's time zone), area
/// and phase, over a period ending now. Never writes.
public struct StatsReads: Sendable {
    private let store: any StatsReader
    private let settings: LiveSettings
    private let clock: any WallClock

    /// Reads from `store`; the time zone comes from `settings`, now from `clock`.
    public init(store: any StatsReader, settings: LiveSettings, clock: any WallClock) {
        self.store = store
        self.settings = settings
        self.clock = clock
    }

    /// Incidents opened, and how many went unstaffed.
    public func incidents(
        _ period: StatsPeriod, by dimensions: [StatsDimension], areas: Set<String>? = nil
    ) async throws -> StatsTable<IncidentFigures> {
        try await table(period, dimensions, areas) { try await store.incidentFigures($0) }
    }

    /// Call-outs: how they ended and how fast they were acknowledged.
    public func callOuts(
        _ period: StatsPeriod, by dimensions: [StatsDimension], areas: Set<String>? = nil
    ) async throws -> StatsTable<CallOutFigures> {
        try await table(period, dimensions, areas) { try await store.callOutFigures($0) }
    }

    /// Follow-ups: due, done on time, done late, overdue.
    public func followUps(
        _ period: StatsPeriod, by dimensions: [StatsDimension], areas: Set<String>? = nil
    ) async throws -> StatsTable<FollowUpFigures> {
        try await table(period, dimensions, areas) { try await store.followUpFigures($0) }
    }

    private func table<Figures: StatsFigures>(
        _ period: StatsPeriod, _ dimensions: [StatsDimension], _ areas: Set<String>?,
        _ read: (StatsQuery) async throws -> [Figures]
    ) async throws -> StatsTable<Figures> {
        let calendar = settings.current.duty.calendar
        let now = clock.now()
        let weeks = period.weeks(endingAt: now, in: calendar)
        let query = StatsQuery(weeks: weeks, dimensions: dimensions.sorted(), areas: areas, now: now)
        return StatsTable(
            period: period, weeks: weeks, dimensions: query.dimensions, timeZone: calendar.timeZoneID,
            rows: try await read(query))
    }
}
