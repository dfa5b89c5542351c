import Foundation

/// What the desk reads from persistent storage, outside the writer (writes go through
/// `CommandPipeline`). Implemented by `DeskStorage` (SQLite); a second backend implements the same
/// ports without touching the domain. Errors are `DeskError` (storage-specific errors never leave
/// the implementation).
public protocol DeskStore: Sendable {
    /// Every area, active or not.
    func areas() async throws -> [Area]

    /// The report with this id, if any.
    func report(_ id: DeskID) async throws -> Report?

    /// The incident with this id, if any.
    func incident(_ id: DeskID) async throws -> Incident?

    /// The reports of an incident, oldest first.
    func reports(of incident: DeskID) async throws -> [Report]

    /// One page of incidents matching `query`, newest first.
    func incidents(_ query: IncidentQuery) async throws -> Page<Incident>

    /// One page of an incident's events, oldest first.
    func events(of incident: DeskID, page: PageRequest) async throws -> Page<TimelineEvent>

    /// One page of all events at or after `since`, oldest first.
    func events(since: Date?, page: PageRequest) async throws -> Page<TimelineEvent>

    /// How many incidents are open, by phase, and how many of them await review.
    func openIncidentSummary() async throws -> OpenIncidentSummary

    /// Walks the timeline's hash chain from the first event and reports the first broken link, and
    /// whether `anchor` (a head seen earlier) is still on the chain. Reads in bounded pieces, never
    /// the whole timeline in one read transaction.
    func verifyTimeline(anchor: ChainHead?) async throws -> TimelineVerification

    /// The newest event's sequence number and chain hash (`0` and the genesis hash when there is none).
    func chainHead() async throws -> ChainHead

    /// Takes a consistent copy of the whole store, named `name`, while it keeps serving; checks the
    /// copy and returns where it is. Throws `invalid` for a bad name, `conflict` if it exists.
    func backup(name: String) async throws -> BackupSummary

    /// Closed incidents whose personal data a purge with `cutoff` would erase (never erased, or
    /// holding text added since): what `PurgeClosedIncidents` is given.
    func purgeCandidates(closedBefore cutoff: Date) async throws -> [DeskID]

    /// Proves the store answers (a round trip to the database).
    func ping() async throws
}
