import Foundation
import Synchronization

/// The duty side of the desk: rosters, call-outs, escalation, follow-ups and notifications.
///
/// Answers people (who is on duty, my call-outs, ack, decline, done) and runs the timers
/// (`runDueWork()`, `deliverDue(using:)`), whose state lives only in the store: after a restart
/// the same queries find the same work, and every step is written with a compare-and-set so it
/// happens once.
public final class DutyDesk: Sendable {
    private let incidents: any DeskStore
    private let store: any DutyStore
    private let clock: any WallClock
    private let ids: IDGenerator
    private let areasSource: @Sendable () -> AreaDirectory
    private let settings: Mutex<DutySettings>
    private let observer: DutyObserver
    private let deliveryObserver: DeliveryObserver

    /// Creates the duty desk over the stores; `areas` gives the desk's current areas. `observer`
    /// sees every stored event, `deliveries` every delivery attempt (also those kept off the timeline).
    public init(
        incidents: any DeskStore, store: any DutyStore, clock: any WallClock,
        areas: @escaping @Sendable () -> AreaDirectory,
        settings: DutySettings, observer: @escaping DutyObserver = { _ in },
        deliveries: @escaping DeliveryObserver = { _ in }
    ) {
        self.incidents = incidents
        self.store = store
        self.clock = clock
        self.ids = IDGenerator(clock: clock)
        self.areasSource = areas
        self.settings = Mutex(settings)
        self.observer = observer
        self.deliveryObserver = deliveries
    }

    /// The settings in force.
    public var currentSettings: DutySettings { settings.withLock { $0 } }

    /// Applies reloaded settings (policy, time zone, receivers) to later decisions.
    public func replaceSettings(_ new: DutySettings) { settings.withLock { $0 = new } }

    // MARK: Roster

    /// The whole roster.
    public func roster() async throws -> Roster { try await store.roster() }

    /// Who is on duty at `at` (default: now) for each area and role asked for (default: all active
    /// areas, all roles), with the next hand-off.
    public func onDuty(area: String?, role: DutyRole?, at: Date?) async throws -> [DutySlot] {
        let areas = areasSource()
        var areaIDs = areas.all.filter(\.active).map(\.id)
        if let area {
            guard let found = areas.lookup(area) else {
                throw DeskError.unknownArea(area, suggestion: areas.suggestion(for: area)?.id)
            }
            areaIDs = [found.id]
        }
        let roster = try await store.roster()
        let calendar = currentSettings.calendar
        let instant = at ?? clock.now()
        let roles = role.map { [$0] } ?? DutyRole.allCases
        return areaIDs.flatMap { area in
            roles.map { roster.slot(area: area, role: $0, at: instant, calendar: calendar) }
        }
    }

    /// Adds a responder after checking it against the areas and the other responders.
    public func addResponder(_ responder: Responder, actor: Actor) async throws -> Responder {
        let roster = try await store.roster()
        if roster.responder(responder.id) != nil { throw DeskError.conflict(.responderExists(responder.id)) }
        var next = roster
        next.responders.append(responder)
        try Self.validate(next, previous: roster, areas: areasSource(), only: "/responders/\(roster.responders.count)")
        let event = stamp(actor).event(.responderAdded, incident: nil, data: Self.describe(responder))
        try await store.insertResponder(responder, event: event)
        observer([event])
        return responder
    }

    /// Changes a responder's details; the roster must stay valid (a responder still in a rotation
    /// keeps the role and area it needs there). Deactivating one takes them off their call-outs at
    /// once (see `release(_:actor:)`); rotations skip them from now on.
    public func updateResponder(_ id: String, _ patch: ResponderPatch, actor: Actor) async throws -> Responder {
        let areas = areasSource()
        let stamp = stamp(actor)
        let (updated, event) = try await store.updateResponder(id) { current, roster throws(DeskError) in
            let changed = patch.applied(to: current)
            var next = roster
            next.responders = roster.responders.map { $0.id == id ? changed : $0 }
            let index = roster.responders.firstIndex { $0.id == id } ?? 0
            try Self.validate(next, previous: roster, areas: areas, only: "/responders/\(index)")
            var data = Self.describe(changed)
            data["changed"] = .array(patch.changedFields.map(JSONValue.string))
            let event = stamp.event(.responderUpdated, incident: nil, data: data)
            return (changed, event)
        }
        observer([event])
        if !updated.active { try await release(updated.id, actor: actor) }
        return updated
    }

    /// Replaces rotations, overrides and unavailability with `roster`'s and adds or updates its
    /// responders, after checking the result as a whole.
    public func importRoster(_ roster: Roster, actor: Actor) async throws -> RosterImportSummary {
        let current = try await store.roster()
        var merged = roster
        let named = Set(roster.responders.map(\.id))
        merged.responders = roster.responders + current.responders.filter { !named.contains($0.id) }
        try roster.validate(areas: areasSource())
        try merged.validate(areas: areasSource())
        let added = roster.responders.filter { current.responder($0.id) == nil }.count
        let summary = RosterImportSummary(
            respondersAdded: added, respondersUpdated: roster.responders.count - added,
            rotations: roster.rotations.count, overrides: roster.overrides.count,
            unavailability: roster.unavailability.count)
        let event = stamp(actor).event(
            .rosterImported, incident: nil,
            data: [
                "responders_added": .int(Int64(summary.respondersAdded)),
                "responders_updated": .int(Int64(summary.respondersUpdated)),
                "rotations": .int(Int64(summary.rotations)), "overrides": .int(Int64(summary.overrides)),
                "unavailability": .int(Int64(summary.unavailability)),
            ])
        try await store.importRoster(roster, event: event)
        observer([event])
        for responder in roster.responders where !responder.active { try await release(responder.id, actor: actor) }
        return summary
    }

    /// Takes a deactivated responder off their call-outs at once: each one still waiting for their
    /// answer, or acknowledged on an incident still open, goes to the next person in the chain.
    private func release(_ responder: String, actor: Actor) async throws {
        let callOuts = try await store.callOuts(
            CallOutQuery(responder: responder, states: [.pending, .notified, .acknowledged], limit: 1000))
        guard !callOuts.isEmpty else { return }
        let context = try await context(actor: actor)
        for callOut in callOuts {
            guard let incident = try await incidents.incident(callOut.incidentID), incident.status == .open else {
                continue
            }
            let existing = try await store.callOuts(CallOutQuery(incident: incident.id))
            let change = DutyRules.escalate(
                callOut, reason: .deactivated, incident: incident, existing: existing, context: context)
            do {
                try await write(change)
            } catch DeskError.conflict(.callOutClosed) {
                continue  // answered while we looked
            }
        }
    }

    /// "I take this shift": puts `responder` on duty for `role` in `area` from `starts` to `ends`.
    public func addOverride(
        area: String, role: DutyRole, responder: String, starts: Date, ends: Date, reason: String?, actor: Actor
    ) async throws -> RosterOverride {
        let areas = areasSource()
        guard let found = areas.lookup(area) else {
            throw DeskError.unknownArea(area, suggestion: areas.suggestion(for: area)?.id)
        }
        let override = RosterOverride(
            id: "o-\(ids.next().rawValue.prefix(13))", area: found.id, role: role, responder: responder,
            starts: starts, ends: ends, reason: reason?.trimmingWhitespace().nilIfEmpty)
        let roster = try await store.roster()
        var next = roster
        next.overrides.append(override)
        try Self.validate(next, previous: roster, areas: areas, only: "/overrides/\(roster.overrides.count)")
        let event = stamp(actor).event(
            .overrideAdded, incident: nil,
            data: [
                "override": .string(override.id), "area": .string(override.area), "role": .string(role.rawValue),
                "responder": .string(responder), "starts": .string(Timestamp.format(starts)),
                "ends": .string(Timestamp.format(ends)), "reason": .optional(override.reason),
            ])
        try await store.insertOverride(override, event: event)
        observer([event])
        return override
    }

    /// The responder the caller is: the one their token was made for (`bound`), else the one bound
    /// to their local user.
    public func responder(for actor: Actor, bound: String? = nil) async throws -> Responder {
        let roster = try await store.roster()
        if let bound, let responder = roster.responder(bound) { return responder }
        guard let user = actor.unixUserName, let responder = roster.responder(unixUser: user) else {
            throw DeskError.forbidden(
                "no responder is bound to \(actor); an admin binds one with `deskctl responder update ID --unix-user NAME`"
            )
        }
        return responder
    }

    // MARK: Call-outs and follow-ups

    /// Call-outs matching `query`; with `mine`, only those of the caller's responder.
    public func callOuts(_ query: CallOutQuery, mine actor: Actor?, bound: String? = nil) async throws -> [CallOut] {
        var query = query
        if let actor { query.responder = try await responder(for: actor, bound: bound).id }
        return try await store.callOuts(query)
    }

    /// The incidents `responder` is called to now: by a call-out still waiting for their answer, or
    /// one they acknowledged while the incident is open. What they may read besides their areas.
    public func incidentsCalled(responder: String) async throws -> Set<DeskID> {
        let callOuts = try await store.callOuts(
            CallOutQuery(responder: responder, states: [.pending, .notified, .acknowledged], limit: 1000))
        var incidents: Set<DeskID> = []
        for callOut in callOuts where !incidents.contains(callOut.incidentID) {
            if callOut.state.isOpen {
                incidents.insert(callOut.incidentID)
            } else if try await self.incidents.incident(callOut.incidentID)?.status == .open {
                incidents.insert(callOut.incidentID)
            }
        }
        return incidents
    }

    /// The caller acknowledges one of their call-outs.
    public func acknowledge(
        _ id: String, note: String?, actor: Actor, bound: String? = nil
    ) async throws
        -> CallOutAnswer
    {
        let (callOut, me) = try await callOutForAnswer(id, actor: actor, bound: bound)
        let context = try await context(actor: actor)
        let change = try DutyRules.acknowledge(
            callOut, by: me, note: note?.trimmingWhitespace().nilIfEmpty, context: context)
        return try await answer(change, id: callOut.id)
    }

    /// The caller declines one of their call-outs; it escalates at once.
    public func decline(
        _ id: String, reason: String, actor: Actor, bound: String? = nil
    ) async throws
        -> CallOutAnswer
    {
        let (callOut, me) = try await callOutForAnswer(id, actor: actor, bound: bound)
        guard let incident = try await incidents.incident(callOut.incidentID) else {
            throw DeskError.incidentNotFound(callOut.incidentID.rawValue)
        }
        let existing = try await store.callOuts(CallOutQuery(incident: incident.id))
        let context = try await context(actor: actor)
        let change = try DutyRules.decline(
            callOut, by: me, reason: reason, incident: incident, existing: existing, context: context)
        return try await answer(change, id: callOut.id)
    }

    /// Follow-ups matching `query`; with `mine`, those the caller owns or was escalated.
    public func followUps(_ query: FollowUpQuery, mine actor: Actor?, bound: String? = nil) async throws -> [FollowUp] {
        var query = query
        if let actor { query.responder = try await responder(for: actor, bound: bound).id }
        return try await store.followUps(query)
    }

    /// The follow-up with this id, if any.
    public func followUp(_ id: DeskID) async throws -> FollowUp? { try await store.followUp(id) }

    /// The call-out with this id, if any.
    public func callOut(_ id: DeskID) async throws -> CallOut? { try await store.callOut(id) }

    /// The caller records a check-in as done, with its outcome.
    public func complete(_ id: String, outcome: String, actor: Actor, bound: String? = nil) async throws -> FollowUp {
        guard let parsed = DeskID(id), let followUp = try await store.followUp(parsed) else {
            throw DeskError.notFound(kind: "follow-up", id: id)
        }
        let me = try await responder(for: actor, bound: bound)
        let change = try DutyRules.complete(
            followUp, by: me, outcome: outcome, context: try await context(actor: actor))
        try await write(change)
        return try await store.followUp(parsed) ?? followUp
    }

    /// Whether the incident was flagged unstaffed in its current phase.
    public func isUnstaffed(_ incident: DeskID) async throws -> Bool { try await store.isUnstaffed(incident) }

    // MARK: Timers

    /// Does everything due now: staffs incidents whose phase has no call-outs yet, escalates
    /// unanswered call-outs, cancels those of closed incidents and hands overdue follow-ups to the
    /// coordinator. Safe to run again at any time, also after a crash half-way.
    @discardableResult
    public func runDueWork(batch: Int = 50) async throws -> DutyWorkSummary {
        var summary = DutyWorkSummary()
        let now = clock.now().truncatedToMilliseconds
        let toStaff = try await store.incidentsToStaff(limit: batch)
        let due = try await store.callOutsDue(at: now, limit: batch)
        let abandoned = try await store.callOutsOfClosedIncidents(limit: batch)
        let overdue = try await store.followUpsOverdue(
            dueBy: now.addingTimeInterval(-currentSettings.policy.followUpGrace), limit: batch)
        guard !(toStaff.isEmpty && due.isEmpty && abandoned.isEmpty && overdue.isEmpty) else { return summary }
        let context = try await context(actor: .system, at: now)
        // A desk without any responders does not use rosters (yet): nothing is staffed, nothing is
        // flagged unstaffed. Once a roster is imported, the open incidents are staffed.
        let staffing = context.roster.responders.isEmpty ? [] : toStaff
        summary.waitingForRoster = toStaff.count - staffing.count
        for incident in staffing {
            let existing = try await store.callOuts(CallOutQuery(incident: incident.id))
            let change = DutyRules.staff(incident, existing: existing, context: context)
            do {
                try await write(change)
                summary.callOutsCreated += change.newCallOuts.count
                summary.incidentsStaffed += 1
                if change.unstaffed != nil { summary.unstaffed += 1 }
            } catch DeskError.conflict(.alreadyStaffed) {
                continue
            }
        }
        if !abandoned.isEmpty {
            let change = DutyRules.cancel(abandoned, because: "the incident was closed", context: context)
            try await write(change)
            summary.cancelled += change.callOutTransitions.count
        }
        for callOut in due {
            guard let incident = try await incidents.incident(callOut.incidentID), incident.status == .open else {
                continue  // cancelled above or on the next run
            }
            let existing = try await store.callOuts(CallOutQuery(incident: incident.id))
            let change = DutyRules.escalate(
                callOut, reason: .noAnswer, incident: incident, existing: existing, context: context)
            do {
                try await write(change)
                summary.escalated += 1
                if change.unstaffed != nil { summary.unstaffed += 1 }
            } catch DeskError.conflict(.callOutClosed) {
                continue  // answered while we looked
            }
        }
        for followUp in overdue {
            guard let incident = try await incidents.incident(followUp.incidentID) else { continue }
            do {
                try await write(DutyRules.escalateOverdue(followUp, incident: incident, context: context))
                summary.followUpsEscalated += 1
            } catch DeskError.conflict(.followUpClosed) {
                continue
            }
        }
        return summary
    }

    /// Attempts every delivery due now, a batch at a time, in parallel; records each result.
    @discardableResult
    public func deliverDue(using sender: any NotificationSender, batch: Int = 32) async throws -> Int {
        let due = try await store.deliveriesDue(at: clock.now(), limit: batch)
        guard !due.isEmpty else { return 0 }
        let results = await withTaskGroup(of: (Delivery, DeliveryResult).self) { group in
            for delivery in due { group.addTask { (delivery, await sender.send(delivery)) } }
            var results: [(Delivery, DeliveryResult)] = []
            for await result in group { results.append(result) }
            return results
        }
        let context = try await context(actor: .system)
        let policy = currentSettings.delivery
        for (delivery, result) in results {
            let callOut = try await delivery.calloutID.asyncMap { try await store.callOut($0) } ?? nil
            try await write(
                DutyRules.recordAttempt(delivery, result: result, callOut: callOut, policy: policy, context: context))
        }
        return results.count
    }

    // MARK: Helpers

    private func callOutForAnswer(_ id: String, actor: Actor, bound: String?) async throws -> (CallOut, Responder) {
        guard let parsed = DeskID(id), let callOut = try await store.callOut(parsed) else {
            throw DeskError.notFound(kind: "call-out", id: id)
        }
        return (callOut, try await responder(for: actor, bound: bound))
    }

    private func answer(_ change: DutyChange, id: DeskID) async throws -> CallOutAnswer {
        let events = try await write(change)
        guard let callOut = try await store.callOut(id) else {
            throw DeskError.notFound(kind: "call-out", id: id.rawValue)
        }
        return CallOutAnswer(callOut: callOut, replacement: change.newCallOuts.first, events: events)
    }

    @discardableResult
    private func write(_ change: DutyChange) async throws -> [TimelineEvent] {
        guard !change.isEmpty else { return [] }
        let events = try await store.apply(change)
        observer(events)
        if !change.attempts.isEmpty { deliveryObserver(change.attempts) }
        return events
    }

    private func context(actor: Actor, at instant: Date? = nil) async throws -> DutyContext {
        let settings = currentSettings
        return DutyContext(
            roster: try await store.roster(), areas: areasSource(), policy: settings.policy,
            calendar: settings.calendar, receivers: settings.receivers,
            stamp: EventStamp(actor: actor, at: instant ?? clock.now().truncatedToMilliseconds, ids: ids))
    }

    private func stamp(_ actor: Actor) -> EventStamp {
        EventStamp(actor: actor, at: clock.now().truncatedToMilliseconds, ids: ids)
    }

    /// Validates the roster after a change, reporting only the problems the change brings (earlier
    /// problems in stored data are not the caller's); those under `pointer` (the part the request
    /// gave) are re-pointed at the request body, others (a rotation that needs a removed role) stay.
    private static func validate(
        _ next: Roster, previous: Roster, areas: AreaDirectory, only pointer: String
    ) throws(DeskError) {
        let before = Set(issues(previous, areas).map { "\($0.pointer)\u{0}\($0.detail)" })
        let new = issues(next, areas).filter { !before.contains("\($0.pointer)\u{0}\($0.detail)") }
            .map { issue in
                guard issue.pointer == pointer || issue.pointer.hasPrefix(pointer + "/") else { return issue }
                let rest = String(issue.pointer.dropFirst(pointer.count))
                return FieldIssue(pointer: rest.isEmpty ? "/" : rest, detail: issue.detail)
            }
        if !new.isEmpty { throw DeskError.invalid(new) }
    }

    private static func issues(_ roster: Roster, _ areas: AreaDirectory) -> [FieldIssue] {
        do {
            try roster.validate(areas: areas)
            return []
        } catch DeskError.invalid(let issues) {
            return issues
        } catch {
            return [FieldIssue(pointer: "/", detail: "\(error)")]
        }
    }

    private static func describe(_ responder: Responder) -> [String: JSONValue] {
        [
            "responder": .string(responder.id), "name": .string(responder.name),
            "roles": .array(responder.roles.map { .string($0.rawValue) }),
            "areas": .array(responder.areas.map(JSONValue.string)), "unix_user": .optional(responder.unixUser),
            "active": .bool(responder.active),
        ]
    }
}

/// Called with the duty events a write stored, after it is durable: for logging.
public typealias DutyObserver = @Sendable (_ events: [TimelineEvent]) -> Void

/// What the duty desk decides with.
public struct DutySettings: Sendable {
    public var policy: TriggerPolicy
    public var calendar: LocalCalendar
    /// Names of the webhook receivers every notice goes to.
    public var receivers: [String]
    public var delivery: DeliveryPolicy

    /// Creates settings.
    public init(
        policy: TriggerPolicy = .standard, calendar: LocalCalendar, receivers: [String] = [],
        delivery: DeliveryPolicy = DeliveryPolicy()
    ) {
        self.policy = policy
        self.calendar = calendar
        self.receivers = receivers
        self.delivery = delivery
    }
}

/// What one run of the timers did.
public struct DutyWorkSummary: Sendable, Hashable {
    public var incidentsStaffed = 0
    public var callOutsCreated = 0
    public var escalated = 0
    public var cancelled = 0
    public var unstaffed = 0
    public var followUpsEscalated = 0
    /// Incidents not staffed because the desk has no responders at all.
    public var waitingForRoster = 0

    /// Creates an empty summary.
    public init() {}
}

/// A call-out after its responder answered, with the call-out that replaced it (on a decline).
public struct CallOutAnswer: Sendable {
    public var callOut: CallOut
    public var replacement: CallOut?
    public var events: [TimelineEvent]
}

/// What a roster import changed.
public struct RosterImportSummary: Sendable, Hashable, Codable {
    public var respondersAdded: Int
    public var respondersUpdated: Int
    public var rotations: Int
    public var overrides: Int
    public var unavailability: Int

    enum CodingKeys: String, CodingKey {
        case rotations, overrides, unavailability
        case respondersAdded = "responders_added"
        case respondersUpdated = "responders_updated"
    }
}

/// The fields of a responder to change; nil leaves a field as it is.
public struct ResponderPatch: Sendable, Hashable {
    public var name: String?
    public var contact: String?
    public var roles: [DutyRole]?
    public var areas: [String]?
    /// `.some(nil)` removes the binding.
    public var unixUser: String??
    public var active: Bool?

    /// Creates a patch.
    public init(
        name: String? = nil, contact: String? = nil, roles: [DutyRole]? = nil, areas: [String]? = nil,
        unixUser: String?? = nil, active: Bool? = nil
    ) {
        self.name = name
        self.contact = contact
        self.roles = roles
        self.areas = areas
        self.unixUser = unixUser
        self.active = active
    }

    func applied(to responder: Responder) -> Responder {
        var changed = responder
        if let name { changed.name = name }
        if let contact { changed.contact = contact }
        if let roles { changed.roles = roles }
        if let areas { changed.areas = areas }
        if let unixUser { changed.unixUser = unixUser }
        if let active { changed.active = active }
        return changed
    }

    var changedFields: [String] {
        [
            name.map { _ in "name" }, contact.map { _ in "contact" }, roles.map { _ in "roles" },
            areas.map { _ in "areas" }, unixUser.map { _ in "unix_user" }, active.map { _ in "active" },
        ].compactMap { $0 }
    }
}

extension Actor {
    /// The local user name of an actor that came over the Unix socket.
    public var unixUserName: String? {
        rawValue.hasPrefix("unix:") ? String(rawValue.dropFirst(5)) : nil
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
