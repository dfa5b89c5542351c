import Foundation

/// What the desk needs from persistent storage. Implemented by `DeskStorage` (SQLite); a second
/// backend implements the same port without touching the domain.
///
/// Every write is one transaction: it happens whole and durably before the call returns, or not
/// at all. Errors are `DeskError` (storage-specific errors never leave the implementation).
public protocol DeskStore: Sendable {
    /// Every area, active or not.
    func areas() async throws -> [Area]

    /// Writes a new incident with its first report and events.
    /// - Returns: the events as stored, with their sequence numbers.
    func open(_ new: NewIncident) async throws -> [TimelineEvent]

    /// Open incidents of `area` whose latest report arrived at or after `since`, newest first, at
    /// most `limit`, each with the texts of its latest reports: what a new report may join. The
    /// candidates' `classification` may be left out (matching does not use it).
    func correlationCandidates(area: String, since: Date, limit: Int) async throws -> [CorrelationCandidate]

    /// What an idempotency key of `principal` was stored for, if anything.
    func idempotentOutcome(principal: String, key: String) async throws -> IdempotentOutcome?

    /// The report with this id, if any.
    func report(_ id: DeskID) async throws -> Report?

    /// Reads the incident, lets `decide` compute the change, and writes it, all in one transaction:
    /// the incident, its events, a report that joins it (`addedReport`), and an incident split off
    /// it (`splitOff`, whose report is moved to it only if it still belongs to this incident).
    /// Throws `DeskError.incidentNotFound` for an unknown id and rethrows what `decide` throws.
    /// - Returns: the update as stored, events numbered.
    func update(
        incident id: DeskID, _ decide: @escaping @Sendable (Incident) throws(DeskError) -> IncidentUpdate
    ) async throws -> IncidentUpdate

    /// The incident with this id, if any.
    func incident(_ id: DeskID) async throws -> Incident?

    /// The reports of an incident, oldest first.
    func reports(of incident: DeskID) async throws -> [Report]

    /// One page of incidents matching `query`, newest first.
    func incidents(_ query: IncidentQuery) async throws -> Page<Incident>

    /// One page of an incident's events, oldest first.
    func events(of incident: DeskID, page: PageRequest) async throws -> Page<TimelineEvent>

    /// The events of an incident that one of its reports caused (received, opened or joined,
    /// phase moved), oldest first.
    func events(of incident: DeskID, causedBy report: DeskID) async throws -> [TimelineEvent]

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

    /// Erases the free text and contact details of incidents closed before `cutoff` (reports,
    /// incident titles and outcomes, call-out and follow-up texts, the text members of their events),
    /// in one transaction, and records a `retention.purged` event made by `stamp` listing the events
    /// it redacted. With `dryRun`, only counts.
    func purge(closedBefore cutoff: Date, dryRun: Bool, stamp: EventStamp) async throws -> PurgeSummary

    /// Forgets idempotency keys stored before `cutoff` (of reports and of other writes); returns how many.
    func expireIdempotencyKeys(before cutoff: Date) async throws -> Int

    /// Claims `claim.key` of `claim.principal` for a write other than a report, at `now`. A claim
    /// still unanswered since before `staleBefore` (its request died) may be claimed again.
    /// Throws `idempotencyKeyReused` when the key was claimed for a different request.
    func claimResponse(_ claim: IdempotencyClaim, now: Date, staleBefore: Date) async throws -> ResponseClaim

    /// Keeps the answer to a claimed write, for its retries.
    func recordResponse(_ claim: IdempotencyClaim, _ response: StoredResponse) async throws

    /// Gives a claimed key up (its write failed), so that a retry does the write.
    func releaseResponse(_ claim: IdempotencyClaim) async throws

    /// Proves the store answers (a round trip to the database).
    func ping() async throws
}
