import DeskCore
import Foundation

/// The trends' figures (`StatsReader`), counted by the database from the roll-up
/// (`StatsRollupQueries`): incidents and follow-ups in one read each, call-outs in several at once.
extension SQLDeskStore: StatsReader {
    public func incidentFigures(_ query: StatsQuery) async throws -> [IncidentFigures] {
        try await read { db in
            try StatsRollupQueries.incidents(query, in: db)
        }
    }

    /// The counts in one read, and the answer-time percentiles (most of the work: every answer of
    /// the period is ranked) shared among `answerReads` reads, all at once on connections of
    /// their own. Each read is a snapshot of its own: a call-out acknowledged meanwhile may be
    /// counted by one and not ranked by another, as it would be a moment later anyway.
    public func callOutFigures(_ query: StatsQuery) async throws -> [CallOutFigures] {
        async let counted = read { db in try StatsRollupQueries.callOutCounts(query, in: db) }
        let shares = Self.answerReads
        let answers = try await withThrowingTaskGroup(of: [StatsKey: AnswerPercentiles].self) { group in
            for index in 0..<shares {
                let share = StatsAnswerQueries.Share(index: index, count: shares)
                group.addTask {
                    try await self.read { db in try StatsAnswerQueries.answers(query, in: db, share: share) }
                }
            }
            return try await group.reduce(into: [:]) { all, some in all.merge(some) { first, _ in first } }
        }
        return StatsRollupQueries.withPercentiles(try await counted, answers)
    }

    /// How many reads share a query's answer percentiles: one per core, at most four.
    static let answerReads = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 4)

    public func followUpFigures(_ query: StatsQuery) async throws -> [FollowUpFigures] {
        try await read { db in
            try StatsRollupQueries.followUps(query, in: db)
        }
    }
}
