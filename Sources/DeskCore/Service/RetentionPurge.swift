import Foundation

/// Erasing personal data by the retention policy: finds the candidates (a read) and hands them to
/// `PurgeClosedIncidents` (one write).
public struct RetentionPurge: Sendable {
    private let store: any DeskStore
    private let runner: CommandRunner
    private let clock: any WallClock

    /// Purges `store` through `runner`, by `clock`'s time.
    public init(store: any DeskStore, runner: CommandRunner, clock: any WallClock) {
        self.store = store
        self.runner = runner
        self.clock = clock
    }

    /// Erases the free text and contacts of incidents closed longer ago than the policy allows
    /// (or, with `dryRun`, says what would go). Throws `invalid` when no policy is set.
    public func purge(dryRun: Bool, by principal: Principal) async throws -> PurgeSummary {
        let command = try await command(dryRun: dryRun)
        return try await runner.run(command, by: principal)
    }

    /// The purge command for now, its candidates found; for callers that run it themselves (with a key).
    public func command(dryRun: Bool) async throws -> PurgeClosedIncidents {
        guard let days = runner.settings.current.retention.closedIncidentDays else {
            throw DeskError.invalid([
                FieldIssue(
                    pointer: "/",
                    detail: "no retention policy is configured; set [retention] closed_incident_days in deskd.toml")
            ])
        }
        let cutoff = clock.now().truncatedToMilliseconds.addingTimeInterval(-Double(days) * 86_400)
        return PurgeClosedIncidents(
            cutoff: cutoff, candidates: try await store.purgeCandidates(closedBefore: cutoff), dryRun: dryRun)
    }
}
