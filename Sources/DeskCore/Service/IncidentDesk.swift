import Foundation
import Synchronization

/// The desk's use cases: report (classified and correlated), list, show, annotate, move,
/// confirm, split, close and reopen incidents.
///
/// Holds no state of its own but the area directory, read from the store at start-up and replaced
/// by `reloadAreas()`, and the classifier, replaced by `replaceClassifier(_:)`.
public final class IncidentDesk: Sendable {
    private let store: any DeskStore
    private let clock: any WallClock
    private let ids: IDGenerator
    private let limits: ReportLimits
    private let directory: Mutex<AreaDirectory>
    private let classifierBox: Mutex<Classifier>
    private let correlationBox: Mutex<CorrelationPolicy>
    private let stemCache: StemCache
    private let observer: EventObserver
    private let retentionBox = Mutex(RetentionPolicy())
    private let keyLifetime = Mutex<TimeInterval>(86_400)
    private let verifying = OneAtATime(busy: .conflict(.verificationRunning))

    /// Creates the desk over a store. Call `reloadAreas()` before serving.
    public init(
        store: any DeskStore, clock: any WallClock, classifier: Classifier,
        correlation: CorrelationPolicy = CorrelationPolicy(), limits: ReportLimits = ReportLimits(),
        observer: @escaping EventObserver = { _, _ in }
    ) {
        self.observer = observer
        self.store = store
        self.clock = clock
        self.ids = IDGenerator(clock: clock)
        self.limits = limits
        self.directory = Mutex(AreaDirectory([]))
        self.classifierBox = Mutex(classifier)
        self.correlationBox = Mutex(correlation)
        self.stemCache = StemCache(commonWords: classifier.commonWords)
    }

    /// The classifier reports are put through.
    public var classifier: Classifier { classifierBox.withLock { $0 } }

    /// Puts later reports through another classifier (a reloaded lexicon).
    public func replaceClassifier(_ classifier: Classifier) {
        classifierBox.withLock { $0 = classifier }
        stemCache.reset(commonWords: classifier.commonWords)
    }

    /// Correlates later reports by another policy (a reloaded configuration).
    public func replaceCorrelation(_ policy: CorrelationPolicy) {
        correlationBox.withLock { $0 = policy }
    }

    /// Classifies without storing anything: the dry run behind `POST /v1/classify`.
    public func classify(_ request: ClassificationRequest) throws(DeskError) -> Classification {
        let classifier = classifier
        let input = try request.validated(limits: limits, languages: classifier.languages, now: clock.now())
        return classifier.classify(input)
    }

    /// Re-reads the areas from the store.
    public func reloadAreas() async throws {
        let areas = try await store.areas()
        directory.withLock { $0 = AreaDirectory(areas) }
    }

    /// The areas the desk knows, active and inactive, in id order.
    public var areas: [Area] { directory.withLock { $0.all } }

    /// One page of the areas, in id order.
    public func areas(page: PageRequest) throws(DeskError) -> Page<Area> {
        let all = areas
        let start: Int
        switch page.cursor {
        case nil: start = 0
        case .afterKey(let key): start = all.firstIndex { $0.id > key } ?? all.count
        case .afterID, .afterSequence: throw DeskError.invalidParameter("cursor", "not a cursor of the area list")
        }
        let fetched = Array(all[start...].prefix(page.limit + 1))
        return Page.trimming(fetched, limit: page.limit) { .afterKey($0.id) }
    }

    /// Classifies a report and stores it: joined to the open incident it is about, or opening a
    /// new one. Returns the incident, the report and the events written.
    ///
    /// With an `idempotencyKey`, a retry of the same request (same `requestHash`) returns the
    /// stored report instead of storing it again — also when two retries race — and the same key
    /// with a different request is refused.
    public func submit(
        _ submission: ReportSubmission, actor: Actor, transport: Transport, idempotencyKey: String? = nil,
        requestHash: String = ""
    ) async throws -> ReportReceipt {
        guard let idempotencyKey else {
            return try await storeReport(submission, actor: actor, transport: transport, claim: nil)
        }
        let claim = IdempotencyClaim(key: idempotencyKey, principal: actor.rawValue, requestHash: requestHash)
        if let replay = try await replay(claim) { return replay }
        do {
            return try await storeReport(submission, actor: actor, transport: transport, claim: claim)
        } catch DeskError.conflict(.idempotencyKeyTaken) {
            // A concurrent retry stored it first: answer as it was answered.
            guard let replay = try await replay(claim) else {
                throw DeskError.conflict(.idempotencyKeyTaken(claim.key))
            }
            return replay
        }
    }

    /// The stored answer to an earlier request with this key, if there was one.
    private func replay(_ claim: IdempotencyClaim) async throws -> ReportReceipt? {
        guard let outcome = try await store.idempotentOutcome(principal: claim.principal, key: claim.key) else {
            return nil
        }
        guard outcome.requestHash == claim.requestHash else { throw DeskError.idempotencyKeyReused(claim.key) }
        guard let report = try await store.report(outcome.reportID),
            let incident = try await store.incident(report.incidentID)
        else { throw DeskError.unavailable("the report stored under this idempotency key cannot be read") }
        // The events the report caused (and only those), as when it was first stored.
        let timeline = try await store.events(of: incident.id, causedBy: report.id)
        return ReportReceipt(incident: incident, report: report, events: timeline, replayed: true)
    }

    private func storeReport(
        _ submission: ReportSubmission, actor: Actor, transport: Transport, claim: IdempotencyClaim?
    ) async throws -> ReportReceipt {
        let now = clock.now().truncatedToMilliseconds
        let areas = directory.withLock { $0 }
        let report = try ValidatedReport(submission, areas: areas, limits: limits, now: now)
        let classifier = classifier
        let classification = classifier.classify(ClassifierInput(report, now: now))
        let stamp = stamp(actor, now)
        let correlation = correlationBox.withLock { $0 }
        if correlation.window > 0 {
            let candidates = try await store.correlationCandidates(
                area: report.area.id, since: now.addingTimeInterval(-correlation.window), limit: 20)
            let correlator = Correlator(policy: correlation, cache: stemCache)
            if let match = correlator.match(
                report, category: report.category ?? classification.category, candidates: candidates, now: now)
            {
                do {
                    let update = try await store.update(incident: match.incident.id) { incident throws(DeskError) in
                        var update = try IncidentRules.join(
                            incident, report: report, classification: classification, match: match,
                            transport: transport, stamp: stamp)
                        update.claim = claim
                        return update
                    }
                    observe(update)
                    if let added = update.addedReport {
                        // The events this report caused; the incident's whole timeline is a GET away.
                        return ReportReceipt(incident: update.incident, report: added, events: update.events)
                    }
                } catch DeskError.conflict(.incidentClosed) {
                    // Closed since we looked: the report opens an incident of its own instead.
                }
            }
        }
        var new = NewIncident.opening(
            with: report, classification: classification, transport: transport, stamp: stamp)
        new.claim = claim
        let events = try await store.open(new)
        observer(events, new.incident)
        return ReportReceipt(incident: new.incident, report: new.report, events: events)
    }

    /// An incident with its reports; throws `incidentNotFound` when there is none.
    public func incident(_ id: String) async throws -> IncidentDetail {
        let id = try Self.incidentID(id)
        guard let incident = try await store.incident(id) else { throw DeskError.incidentNotFound(id.rawValue) }
        return IncidentDetail(incident: incident, reports: try await store.reports(of: id))
    }

    /// One page of incidents.
    public func incidents(_ query: IncidentQuery) async throws -> Page<Incident> {
        try await store.incidents(query)
    }

    /// One page of an incident's timeline; throws `incidentNotFound` when there is none.
    public func timeline(of id: String, page: PageRequest) async throws -> Page<TimelineEvent> {
        let id = try Self.incidentID(id)
        guard try await store.incident(id) != nil else { throw DeskError.incidentNotFound(id.rawValue) }
        return try await store.events(of: id, page: page)
    }

    /// One page of the whole timeline from `since`.
    public func timeline(since: Date?, page: PageRequest) async throws -> Page<TimelineEvent> {
        try await store.events(since: since, page: page)
    }

    /// Adds a note to an incident.
    public func addNote(to id: String, text: String, actor: Actor) async throws -> IncidentUpdate {
        try await change(id, actor: actor) { incident, limits, stamp throws(DeskError) in
            try IncidentRules.addNote(incident, text: text, limits: limits, stamp: stamp)
        }
    }

    /// Moves an incident to another phase for a reason.
    public func changePhase(of id: String, to phase: Phase, reason: String, actor: Actor) async throws -> IncidentUpdate
    {
        try await change(id, actor: actor) { incident, limits, stamp throws(DeskError) in
            try IncidentRules.changePhase(incident, to: phase, reason: reason, limits: limits, stamp: stamp)
        }
    }

    /// Confirms an incident's classification, or corrects its phase, ending the review.
    public func confirm(_ id: String, phase: Phase?, note: String?, actor: Actor) async throws -> IncidentUpdate {
        try await change(id, actor: actor) { incident, limits, stamp throws(DeskError) in
            try IncidentRules.confirm(incident, phase: phase, note: note, limits: limits, stamp: stamp)
        }
    }

    /// Splits a wrongly joined report off an incident into an incident of its own.
    public func split(_ id: String, reportID: String, reason: String, actor: Actor) async throws -> IncidentUpdate {
        let incidentID = try Self.incidentID(id)
        guard let parsed = DeskID(reportID), let report = try await store.report(parsed) else {
            guard try await store.incident(incidentID) != nil else { throw DeskError.incidentNotFound(id) }
            throw DeskError.invalid([
                FieldIssue(pointer: "/report_id", detail: "no report \"\(reportID.clipped(40))\" in incident \(id)")
            ])
        }
        return try await change(id, actor: actor) { incident, limits, stamp throws(DeskError) in
            try IncidentRules.split(incident, report: report, reason: reason, limits: limits, stamp: stamp)
        }
    }

    /// Closes an incident with an outcome.
    public func close(_ id: String, outcome: String, actor: Actor) async throws -> IncidentUpdate {
        try await change(id, actor: actor) { incident, limits, stamp throws(DeskError) in
            try IncidentRules.close(incident, outcome: outcome, limits: limits, stamp: stamp)
        }
    }

    /// Reopens a closed incident.
    public func reopen(_ id: String, reason: String?, actor: Actor) async throws -> IncidentUpdate {
        try await change(id, actor: actor) { incident, limits, stamp throws(DeskError) in
            try IncidentRules.reopen(incident, reason: reason, limits: limits, stamp: stamp)
        }
    }

    /// The open incidents at a glance.
    public func openIncidentSummary() async throws -> OpenIncidentSummary { try await store.openIncidentSummary() }

    /// Checks that the timeline is intact: every event as stored, none removed or reordered; with
    /// `anchor`, also that a head seen earlier is still on the chain (the newest events were not
    /// removed). One at a time: another call while one runs is `conflict(.verificationRunning)`.
    public func verifyTimeline(anchor: ChainHead? = nil) async throws -> TimelineVerification {
        try await verifying.run { try await store.verifyTimeline(anchor: anchor) }
    }

    /// The newest event's sequence number and chain hash: what to keep elsewhere as an anchor.
    public func chainHead() async throws -> ChainHead { try await store.chainHead() }

    /// A consistent online backup of the store, checked.
    public func backup(name: String) async throws -> BackupSummary {
        guard BackupSummary.isValidName(name) else {
            throw DeskError.invalid([
                FieldIssue(
                    pointer: "/name",
                    detail:
                        "must be 1-64 letters, digits, '.', '_' or '-', not starting with '.' (got \"\(name.clipped(40))\")"
                )
            ])
        }
        return try await store.backup(name: name)
    }

    /// Erases personal data by a reloaded retention policy from now on.
    public func replaceRetention(_ policy: RetentionPolicy) { retentionBox.withLock { $0 = policy } }

    /// The retention policy in force.
    public var retention: RetentionPolicy { retentionBox.withLock { $0 } }

    /// Erases the free text and contacts of incidents closed longer ago than the retention policy
    /// allows (or, with `dryRun`, says what would go). Throws `invalid` when no policy is set.
    public func purge(dryRun: Bool, actor: Actor) async throws -> PurgeSummary {
        guard let days = retention.closedIncidentDays else {
            throw DeskError.invalid([
                FieldIssue(
                    pointer: "/",
                    detail: "no retention policy is configured; set [retention] closed_incident_days in deskd.toml")
            ])
        }
        let now = clock.now().truncatedToMilliseconds
        return try await store.purge(
            closedBefore: now.addingTimeInterval(-Double(days) * 86_400), dryRun: dryRun, stamp: stamp(actor, now))
    }

    /// One incident's whole record: the incident, its reports and every event of its timeline
    /// (for a subject access request or an after-action review).
    public func export(_ id: String) async throws -> (detail: IncidentDetail, timeline: [TimelineEvent]) {
        let detail = try await incident(id)
        var events: [TimelineEvent] = []
        var page = try PageRequest(limit: PageRequest.maxLimit)
        while true {
            let fetched = try await store.events(of: detail.incident.id, page: page)
            events += fetched.items
            guard let next = fetched.nextCursor else { break }
            page = try PageRequest(limit: PageRequest.maxLimit, cursor: next)
        }
        return (detail, events)
    }

    /// How long an idempotency key is remembered: a retry after this is a new report.
    public var idempotencyKeyLifetime: TimeInterval {
        get { keyLifetime.withLock { $0 } }
        set { keyLifetime.withLock { $0 = newValue } }
    }

    /// Forgets idempotency keys older than `idempotencyKeyLifetime`; returns how many.
    @discardableResult
    public func expireIdempotencyKeys() async throws -> Int {
        try await store.expireIdempotencyKeys(before: clock.now().addingTimeInterval(-idempotencyKeyLifetime))
    }

    /// Claims an idempotency key for a write other than a report; see `DeskStore.claimResponse`.
    /// A claim left unanswered for `abandonedClaimSeconds` counts as abandoned (its request died).
    public func claimResponse(_ claim: IdempotencyClaim) async throws -> ResponseClaim {
        let now = clock.now()
        return try await store.claimResponse(
            claim, now: now, staleBefore: now.addingTimeInterval(-Self.abandonedClaimSeconds))
    }

    /// How long a claimed but unanswered key blocks its retries (409, retry).
    public static let abandonedClaimSeconds: TimeInterval = 60

    /// Keeps the answer to a claimed write for its retries.
    public func recordResponse(_ claim: IdempotencyClaim, _ response: StoredResponse) async throws {
        try await store.recordResponse(claim, response)
    }

    /// Gives a claimed key up after its write failed.
    public func releaseResponse(_ claim: IdempotencyClaim) async throws { try await store.releaseResponse(claim) }

    /// Proves the store answers.
    public func ping() async throws { try await store.ping() }

    private func change(
        _ id: String, actor: Actor,
        _ rule: @escaping @Sendable (Incident, ReportLimits, EventStamp) throws(DeskError) -> IncidentUpdate
    ) async throws -> IncidentUpdate {
        let id = try Self.incidentID(id)
        let stamp = stamp(actor, clock.now().truncatedToMilliseconds)
        let limits = limits
        let update = try await store.update(incident: id) { incident throws(DeskError) in
            try rule(incident, limits, stamp)
        }
        observe(update)
        return update
    }

    /// Tells the observer what a stored update wrote, for both incidents of a split.
    private func observe(_ update: IncidentUpdate) {
        observer(update.events, update.incident)
        if let splitOff = update.splitOff { observer(splitOff.events, splitOff.incident) }
    }

    private func stamp(_ actor: Actor, _ now: Date) -> EventStamp {
        EventStamp(actor: actor, at: now, ids: ids)
    }

    /// A malformed id cannot name an incident: it is "not found", not a validation error.
    static func incidentID(_ text: String) throws(DeskError) -> DeskID {
        guard let id = DeskID(text) else { throw DeskError.incidentNotFound(text) }
        return id
    }
}

/// Called with the events a write stored (numbered) and the incident as it now stands, after the
/// write is durable: for logging, never for decisions.
public typealias EventObserver = @Sendable (_ events: [TimelineEvent], _ incident: Incident) -> Void

/// What storing a report produced.
public struct ReportReceipt: Sendable, Hashable {
    public var incident: Incident
    public var report: Report
    /// The events written, numbered, oldest first.
    public var events: [TimelineEvent]
    /// True when this answers a retry: the report was stored by an earlier request with the same key.
    public var replayed: Bool = false
}
