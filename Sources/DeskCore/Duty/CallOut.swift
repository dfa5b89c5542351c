import Foundation

/// A request to one responder to act on one incident.
public struct CallOut: Sendable, Hashable, Codable {
    /// Where a call-out stands. `pending` and `notified` are open: they escalate when their time
    /// runs out; every other state is final.
    public enum State: String, Sendable, Codable, CaseIterable, Hashable {
        case pending, notified, acknowledged, declined, escalated, expired, cancelled

        /// Still waiting for an answer.
        public var isOpen: Bool { self == .pending || self == .notified }
    }

    public var id: DeskID
    public var incidentID: DeskID
    public var area: String
    public var role: DutyRole
    public var responderID: String
    public var state: State
    /// Position in the escalation chain: 0 for the first call-outs of an incident.
    public var step: Int
    /// Why this person: `rotation:…`, `override:…`, `neighbour:AREA`, `coordinator`, `national`.
    public var source: String
    public var task: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// When it escalates unless acknowledged.
    public var dueAt: Date
    /// How long each step of this call-out's chain waits for an answer.
    public var ackWithin: TimeInterval
    /// The call-out this one replaced (escalation or decline).
    public var escalatedFrom: DeskID?
    /// The reason given when declining.
    public var reason: String?
    /// How it first reached the responder: `sms` or `webhook` (nil until a delivery succeeded).
    public var sentVia: String?
    /// How the responder answered: `sms`, `cli` (deskctl on the desk's host), `api` (a token: the
    /// console or another client) or `desk`.
    public var answeredVia: String?

    /// Creates a call-out.
    public init(
        id: DeskID, incidentID: DeskID, area: String, role: DutyRole, responderID: String, state: State = .pending,
        step: Int, source: String, task: String?, createdAt: Date, dueAt: Date, ackWithin: TimeInterval,
        escalatedFrom: DeskID? = nil, reason: String? = nil
    ) {
        self.id = id
        self.incidentID = incidentID
        self.area = area
        self.role = role
        self.responderID = responderID
        self.state = state
        self.step = step
        self.source = source
        self.task = task
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.dueAt = dueAt
        self.ackWithin = ackWithin
        self.escalatedFrom = escalatedFrom
        self.reason = reason
    }
}

/// A scheduled psychosocial check-in after an incident.
public struct FollowUp: Sendable, Hashable, Codable {
    /// `open` until done; `escalated` when overdue and handed to the coordinator (still open for
    /// either of them to complete); `done` with an outcome; `cancelled` with the incident's call-outs.
    public enum State: String, Sendable, Codable, CaseIterable, Hashable {
        case open, escalated, done, cancelled

        /// Still to be done.
        public var isOpen: Bool { self == .open || self == .escalated }
    }

    public var id: DeskID
    public var incidentID: DeskID
    public var area: String
    /// The responder who does the check-in; nil when nobody could be found when it was scheduled.
    public var ownerID: String?
    /// E.g. `+7 days`.
    public var label: String
    public var dueAt: Date
    public var state: State
    public var createdAt: Date
    public var updatedAt: Date
    /// The coordinator it went to when overdue.
    public var escalatedTo: String?
    public var outcome: String?
    public var completedBy: String?

    /// Creates a follow-up.
    public init(
        id: DeskID, incidentID: DeskID, area: String, ownerID: String?, label: String, dueAt: Date,
        state: State = .open, createdAt: Date, escalatedTo: String? = nil, outcome: String? = nil,
        completedBy: String? = nil
    ) {
        self.id = id
        self.incidentID = incidentID
        self.area = area
        self.ownerID = ownerID
        self.label = label
        self.dueAt = dueAt
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.escalatedTo = escalatedTo
        self.outcome = outcome
        self.completedBy = completedBy
    }

    /// Whether `responder` may complete it: its owner or the coordinator it was escalated to.
    public func isAssigned(to responder: String) -> Bool { ownerID == responder || escalatedTo == responder }
}

extension Actor {
    /// The channel a request from this actor came over, as `CallOut.answeredVia` records it.
    public var channel: String {
        if rawValue.hasPrefix("sms:") { return "sms" }
        if rawValue.hasPrefix("unix:") { return "cli" }
        if rawValue.hasPrefix("token:") || rawValue.hasPrefix("tcp:") { return "api" }
        return "desk"
    }
}
