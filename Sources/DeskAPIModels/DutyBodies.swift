import DeskCore
import Foundation

/// `GET /v1/roster`: who is on duty at one instant.
public struct RosterSlotsBody: Codable, Sendable {
    public var at: Date
    public var timeZone: String
    public var slots: [SlotBody]

    enum CodingKeys: String, CodingKey {
        case at, slots
        case timeZone = "time_zone"
    }

    /// Creates a body.
    public init(at: Date, timeZone: String, slots: [SlotBody]) {
        self.at = at
        self.timeZone = timeZone
        self.slots = slots
    }
}

/// Who is on duty for one role in one area, and who takes over next.
public struct SlotBody: Codable, Sendable, Hashable {
    public var area: String
    public var role: String
    public var onDuty: PersonBody?
    /// `rotation:ID/LAYER` or `override:ID`.
    public var source: String?
    public var nextHandoff: Date?
    public var next: PersonBody?

    enum CodingKeys: String, CodingKey {
        case area, role, source, next
        case onDuty = "on_duty"
        case nextHandoff = "next_handoff"
    }

    /// The body of a slot.
    public init(_ slot: DutySlot) {
        area = slot.area
        role = slot.role.rawValue
        onDuty = slot.onDuty.map(PersonBody.init)
        source = slot.source?.description
        nextHandoff = slot.nextHandoff
        next = slot.next.map(PersonBody.init)
    }
}

/// A responder as shown in a slot: id, name and how to reach them.
public struct PersonBody: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var contact: String

    /// The body of a responder.
    public init(_ responder: Responder) {
        id = responder.id
        name = responder.name
        contact = responder.contact
    }
}

/// `PATCH /v1/responders/{id}`: the fields to change, the wire form of `ResponderPatch`;
/// `"unix_user": null` removes the binding, `"language": null` the responder's own language (texts
/// then follow their number). A member left out leaves its field as it is.
public struct ResponderPatchRequest: StrictBody, Codable, Sendable, Hashable {
    /// The domain patch.
    public var patch: ResponderPatch

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, contact, roles, areas, active, language
        case unixUser = "unix_user"
    }

    /// The members a client may send.
    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]

    /// Creates a request for `patch`.
    public init(_ patch: ResponderPatch) { self.patch = patch }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        patch = ResponderPatch(
            name: try container.decodeIfPresent(String.self, forKey: .name),
            contact: try container.decodeIfPresent(String.self, forKey: .contact),
            roles: try container.decodeIfPresent([DutyRole].self, forKey: .roles),
            areas: try container.decodeIfPresent([String].self, forKey: .areas),
            unixUser: container.contains(.unixUser)
                ? .some(try container.decodeIfPresent(String.self, forKey: .unixUser)) : nil,
            active: try container.decodeIfPresent(Bool.self, forKey: .active),
            language: container.contains(.language)
                ? .some(try container.decodeIfPresent(TextLanguage.self, forKey: .language)) : nil)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(patch.name, forKey: .name)
        try container.encodeIfPresent(patch.contact, forKey: .contact)
        try container.encodeIfPresent(patch.roles, forKey: .roles)
        try container.encodeIfPresent(patch.areas, forKey: .areas)
        if let unixUser = patch.unixUser { try container.encode(unixUser, forKey: .unixUser) }
        try container.encodeIfPresent(patch.active, forKey: .active)
        if let language = patch.language { try container.encode(language, forKey: .language) }
    }
}

/// `POST /v1/overrides`: "I take this shift".
public struct OverrideRequest: StrictBody, Codable, Sendable, Hashable {
    public var area: String
    public var role: DutyRole
    public var responder: String
    public var starts: Date
    public var ends: Date
    public var reason: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case area, role, responder, starts, ends, reason
    }

    /// The members a client may send.
    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]

    /// Creates a request.
    public init(area: String, role: DutyRole, responder: String, starts: Date, ends: Date, reason: String?) {
        self.area = area
        self.role = role
        self.responder = responder
        self.starts = starts
        self.ends = ends
        self.reason = reason
    }
}

/// Roster documents may hold these top-level members.
public enum RosterDocument {
    /// The members of `PUT /v1/roster`.
    public static let allowedMembers: [String: Set<String>] = ["": Roster.wireMembers]
    /// The members of `POST /v1/responders`.
    public static let responderMembers: [String: Set<String>] = ["": Responder.wireMembers]
}

/// A call-out on the wire.
public struct CallOutBody: Codable, Sendable, Hashable {
    public var id: String
    public var incidentID: String
    public var area: String
    public var role: String
    public var responder: String
    public var state: String
    public var step: Int
    public var source: String
    public var task: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var dueAt: Date
    public var escalatedFrom: String?
    public var reason: String?
    /// How it reached the responder: `sms` or `webhook`.
    public var sentVia: String?
    /// How the responder answered: `sms`, `cli`, `api` or `desk`.
    public var answeredVia: String?

    enum CodingKeys: String, CodingKey {
        case id, area, role, responder, state, step, source, task, reason
        case sentVia = "sent_via"
        case answeredVia = "answered_via"
        case incidentID = "incident_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case dueAt = "due_at"
        case escalatedFrom = "escalated_from"
    }

    /// The body of a call-out.
    public init(_ callOut: CallOut) {
        id = callOut.id.rawValue
        incidentID = callOut.incidentID.rawValue
        area = callOut.area
        role = callOut.role.rawValue
        responder = callOut.responderID
        state = callOut.state.rawValue
        step = callOut.step
        source = callOut.source
        task = callOut.task
        createdAt = callOut.createdAt
        updatedAt = callOut.updatedAt
        dueAt = callOut.dueAt
        escalatedFrom = callOut.escalatedFrom?.rawValue
        reason = callOut.reason
        sentVia = callOut.sentVia
        answeredVia = callOut.answeredVia
    }
}

/// The answer to an ack or a decline: the call-out, its replacement (decline) and the events.
public struct CallOutAnswerBody: Codable, Sendable {
    public var callOut: CallOutBody
    public var replacement: CallOutBody?
    public var events: [EventBody]

    enum CodingKeys: String, CodingKey {
        case replacement, events
        case callOut = "callout"
    }

    /// Creates a body.
    public init(callOut: CallOutBody, replacement: CallOutBody?, events: [EventBody]) {
        self.callOut = callOut
        self.replacement = replacement
        self.events = events
    }
}

/// A follow-up on the wire.
public struct FollowUpBody: Codable, Sendable, Hashable {
    public var id: String
    public var incidentID: String
    public var area: String
    public var owner: String?
    public var label: String
    public var dueAt: Date
    public var state: String
    public var escalatedTo: String?
    public var outcome: String?
    public var completedBy: String?

    enum CodingKeys: String, CodingKey {
        case id, area, owner, label, state, outcome
        case incidentID = "incident_id"
        case dueAt = "due_at"
        case escalatedTo = "escalated_to"
        case completedBy = "completed_by"
    }

    /// The body of a follow-up.
    public init(_ followUp: FollowUp) {
        id = followUp.id.rawValue
        incidentID = followUp.incidentID.rawValue
        area = followUp.area
        owner = followUp.ownerID
        label = followUp.label
        dueAt = followUp.dueAt
        state = followUp.state.rawValue
        escalatedTo = followUp.escalatedTo
        outcome = followUp.outcome
        completedBy = followUp.completedBy
    }
}

/// `POST /v1/callouts/{id}/ack`.
public struct AckRequest: StrictBody, Codable, Sendable, Hashable {
    public var note: String?
    /// The members a client may send.
    enum CodingKeys: String, CodingKey, CaseIterable { case note }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]
    /// Creates a request.
    public init(note: String?) { self.note = note }
}

/// `POST /v1/callouts/{id}/decline`.
public struct DeclineRequest: StrictBody, Codable, Sendable, Hashable {
    public var reason: String
    /// The members a client may send.
    enum CodingKeys: String, CodingKey, CaseIterable { case reason }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]
    /// Creates a request.
    public init(reason: String) { self.reason = reason }
}

/// `POST /v1/followups/{id}/done`.
public struct FollowUpDoneRequest: StrictBody, Codable, Sendable, Hashable {
    public var outcome: String
    /// The members a client may send.
    enum CodingKeys: String, CodingKey, CaseIterable { case outcome }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]
    /// Creates a request.
    public init(outcome: String) { self.outcome = outcome }
}

/// A list without paging (call-outs, follow-ups, responders: bounded by `limit`).
public struct ItemsBody<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    /// Creates a body.
    public init(items: [Item]) { self.items = items }
}
