import Foundation

/// Everything a duty decision looks at besides the call-outs themselves.
public struct DutyContext: Sendable {
    public var roster: Roster
    public var areas: AreaDirectory
    public var policy: TriggerPolicy
    public var calendar: LocalCalendar
    /// Names of the configured webhook receivers; each notice goes to each of them.
    public var receivers: [String]
    /// The SMS receiver texts to responders go through, if any.
    public var textReceiver: String?
    public var stamp: EventStamp

    /// Creates a context.
    public init(
        roster: Roster, areas: AreaDirectory, policy: TriggerPolicy, calendar: LocalCalendar, receivers: [String],
        textReceiver: String? = nil, stamp: EventStamp
    ) {
        self.textReceiver = textReceiver
        self.roster = roster
        self.areas = areas
        self.policy = policy
        self.calendar = calendar
        self.receivers = receivers
        self.stamp = stamp
    }

    var now: Date { stamp.at }

    /// Who to ask, in order, for `role` in `area` now: the area's rotations (the person on shift,
    /// then the rest in turn order), then each neighbouring area's, then the area's coordinator,
    /// then the national duty officers. Everyone appears once, at their first place.
    public func escalationChain(area: String, role: DutyRole) -> [ChainLink] {
        var links: [ChainLink] = []
        var seen: Set<String> = []
        func add(_ candidates: [DutyCandidate], _ source: (DutyCandidate) -> String) {
            for candidate in candidates where seen.insert(candidate.responder.id).inserted {
                links.append(ChainLink(responder: candidate.responder, source: source(candidate)))
            }
        }
        add(roster.candidates(area: area, role: role, at: now, calendar: calendar)) { $0.source.description }
        for neighbour in areas.all.first(where: { $0.id == area })?.neighbours ?? [] {
            add(roster.candidates(area: neighbour, role: role, at: now, calendar: calendar)) { _ in
                "neighbour:\(neighbour)"
            }
        }
        if role != .coordinator {
            add(roster.candidates(area: area, role: .coordinator, at: now, calendar: calendar)) { _ in "coordinator" }
        }
        let national = policy.nationalDutyOfficers.compactMap { roster.responder($0) }
            .filter { roster.isAvailable($0, at: now) }
            .map { DutyCandidate(responder: $0, source: .national) }
        add(national) { $0.source.description }
        return links
    }
}

/// One place in an escalation chain.
public struct ChainLink: Sendable, Hashable {
    public var responder: Responder
    /// Why: `rotation:ID/LAYER`, `next-in-rotation:ID`, `override:ID`, `neighbour:AREA`, `coordinator`, `national`.
    public var source: String
}
