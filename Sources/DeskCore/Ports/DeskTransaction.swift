import Foundation

/// What a command reads and writes inside the one transaction it runs in: the write pipeline's
/// view of the store (see `CommandPipeline`). Synchronous — a command runs on the writer, with
/// every read seeing the writes made before it in the same transaction — and used by one command
/// at a time. Storage-specific errors never leave the implementation as such: the pipeline turns
/// them into `DeskError.unavailable`.
///
/// Everything written through it is seen by the pipeline's observers once the transaction is
/// durable: the events appended and the incidents written, in order.
public protocol DeskTransaction {
    // MARK: Incidents and reports

    /// The incident with this id, if any.
    func incident(_ id: DeskID) throws -> Incident?

    /// The report with this id, if any.
    func report(_ id: DeskID) throws -> Report?

    /// The reports of an incident, oldest first.
    func reports(of incident: DeskID) throws -> [Report]

    /// Open incidents of `area` whose latest report arrived at or after `since`, newest first, at
    /// most `limit`, each with its latest report texts and their stems: what a new report may join.
    func correlationCandidates(area: String, since: Date, limit: Int) throws -> [CorrelationCandidate]

    /// Writes a new incident.
    func insert(_ incident: Incident) throws

    /// Writes an incident's new state; `previous` is the state this transaction read it in, so
    /// that only what changed need be written.
    func update(_ incident: Incident, from previous: Incident) throws

    /// Writes a new report.
    func insert(_ report: Report) throws

    /// Moves a report to another incident if it is still in `from`; false when it is not.
    func move(report: DeskID, from: DeskID, to: DeskID) throws -> Bool

    /// Appends events to the timeline, hash-chained, and returns them numbered.
    @discardableResult
    func append(_ events: [TimelineEvent]) throws -> [TimelineEvent]

    // MARK: Duty

    /// The whole roster.
    func roster() throws -> Roster

    /// The call-out with this id, if any.
    func callOut(_ id: DeskID) throws -> CallOut?

    /// Call-outs matching `query`, newest first.
    func callOuts(_ query: CallOutQuery) throws -> [CallOut]

    /// The follow-up with this id, if any.
    func followUp(_ id: DeskID) throws -> FollowUp?

    /// Follow-ups matching `query`, soonest due first.
    func followUps(_ query: FollowUpQuery) throws -> [FollowUp]

    /// Writes a duty change whole (see `DutyChange`): call-out transitions only from their expected
    /// state (a required one that lost fails the change with `conflict(.callOutClosed)`, another is
    /// dropped with its events), a staffing mark at most once. Returns the events as stored.
    func apply(_ change: DutyChange) throws -> [TimelineEvent]

    /// Inserts or replaces a responder.
    func save(_ responder: Responder) throws

    /// Replaces every rotation, override and unavailability with `roster`'s (responders are saved apart).
    func replaceSchedule(with roster: Roster) throws

    /// Adds an override.
    func insert(_ override: RosterOverride) throws

    // MARK: Texts

    /// Whether the text `messageID` of `provider` was received before (a gateway's retry).
    func inboundTextSeen(provider: String, messageID: String) throws -> Bool

    /// Whether `sender` was sent the help text since `since`.
    func helpTextSent(to sender: PhoneNumber, since: Date) throws -> Bool

    /// Keeps a responder's text; a second with the same provider and message id is refused.
    func insert(_ text: InboundText) throws

    /// Deletes the texts received before `cutoff`, and erases the number and message of texts sent
    /// before it that belong to no incident (answers, help texts) and are no longer waiting; returns
    /// how many rows it changed.
    func forgetTexts(before cutoff: Date) throws -> Int

    // MARK: Tokens

    /// The token with this name, if any.
    func token(named name: String) throws -> APIToken?

    /// Stores a new token (its hash).
    func insert(_ token: APIToken) throws

    /// Marks the token named `name` revoked at `at`.
    func revokeToken(named name: String, at: Date) throws

    // MARK: Retention

    /// Erases the free text and contact details of `incidents` (found by `DeskStore.purgeCandidates`
    /// and checked again here: each must still be closed before `cutoff`) and records a
    /// `retention.purged` event made by `stamp` listing the events it redacted; with `dryRun`, only
    /// counts. One incident that fails is left for the next purge (its `failed` entry).
    func erase(
        _ incidents: [DeskID], closedBefore cutoff: Date, dryRun: Bool, stamp: EventStamp
    ) throws
        -> PurgeSummary

    // MARK: Upkeep

    /// Forgets idempotency keys (and their kept answers) stored before `cutoff`; returns how many.
    func expireIdempotencyKeys(before cutoff: Date) throws -> Int
}
