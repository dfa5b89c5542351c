import Foundation

/// Everyone who can be called out and when: responders, rotations, overrides and unavailability.
///
/// A value: the store keeps it, the desk reads it whole (a branch has hundreds of responders, not
/// millions) and asks it who is on duty.
public struct Roster: Sendable, Hashable, Codable {
    public var responders: [Responder]
    public var rotations: [Rotation]
    public var overrides: [RosterOverride]
    public var unavailability: [Unavailability]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case responders, rotations, overrides, unavailability
    }

    /// The members a roster document has on the wire (`PUT /v1/roster` allows no other).
    public static let wireMembers = CodingKeys.wireNames

    /// Decodes a roster; each list may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        responders = try container.decodeIfPresent([Responder].self, forKey: .responders) ?? []
        rotations = try container.decodeIfPresent([Rotation].self, forKey: .rotations) ?? []
        overrides = try container.decodeIfPresent([RosterOverride].self, forKey: .overrides) ?? []
        unavailability = try container.decodeIfPresent([Unavailability].self, forKey: .unavailability) ?? []
    }

    /// Creates a roster.
    public init(
        responders: [Responder] = [], rotations: [Rotation] = [], overrides: [RosterOverride] = [],
        unavailability: [Unavailability] = []
    ) {
        self.responders = responders
        self.rotations = rotations
        self.overrides = overrides
        self.unavailability = unavailability
    }

    /// The responder with this id, if any.
    public func responder(_ id: String) -> Responder? { responders.first { $0.id == id } }

    /// The responder bound to this local user, if any.
    public func responder(unixUser: String) -> Responder? { responders.first { $0.unixUser == unixUser } }

    /// Whether `responder` can be called out at `instant`: active and not unavailable.
    public func isAvailable(_ responder: Responder, at instant: Date) -> Bool {
        responder.active && !unavailability.contains { $0.responder == responder.id && $0.covers(instant) }
    }

    /// Who can be called out for `role` in `area` at `instant`, best first: override holders (newest
    /// first), then each rotation in effect from its highest layer down, starting with the person on
    /// shift and continuing in turn order. Unavailable and inactive people are left out.
    public func candidates(area: String, role: DutyRole, at instant: Date, calendar: LocalCalendar) -> [DutyCandidate] {
        var result: [DutyCandidate] = []
        var seen: Set<String> = []
        func add(_ id: String, _ source: DutySource) {
            guard !seen.contains(id), let responder = responder(id), isAvailable(responder, at: instant) else { return }
            seen.insert(id)
            result.append(DutyCandidate(responder: responder, source: source))
        }
        for override in overrides.reversed() where override.area == area && override.role == role {
            if override.covers(instant) { add(override.responder, .override(override.id)) }
        }
        for rotation in rotationsInLayerOrder(area: area, role: role) {
            guard let shift = rotation.shift(at: instant, calendar: calendar) else { continue }
            let count = rotation.participants.count
            for offset in 0..<count {
                add(
                    rotation.participants[(shift.participant + offset) % count],
                    offset == 0 ? .rotation(rotation.id, layer: rotation.layer) : .nextInRotation(rotation.id))
            }
        }
        return result
    }

    /// Who is on duty for `role` in `area` at `instant` and until when; always answers, with
    /// nobody on duty when no override or rotation covers the moment.
    public func slot(area: String, role: DutyRole, at instant: Date, calendar: LocalCalendar) -> DutySlot {
        let onDuty = candidates(area: area, role: role, at: instant, calendar: calendar).first
        // The next change: the end of an override or shift in effect, or the start of one to come.
        var changes: [Date] = []
        for override in overrides where override.area == area && override.role == role {
            if override.covers(instant) { changes.append(override.ends) }
            if override.starts > instant { changes.append(override.starts) }
        }
        for rotation in rotationsInLayerOrder(area: area, role: role) {
            if let shift = rotation.shift(at: instant, calendar: calendar) {
                changes.append(shift.end)
            } else if rotation.firstStart(calendar: calendar) > instant {
                changes.append(rotation.firstStart(calendar: calendar))
            }
        }
        let handoff = changes.min()
        let next = handoff.flatMap { candidates(area: area, role: role, at: $0, calendar: calendar).first }
        return DutySlot(
            area: area, role: role, at: instant, onDuty: onDuty?.responder, source: onDuty?.source,
            nextHandoff: handoff, next: next?.responder)
    }

    private func rotationsInLayerOrder(area: String, role: DutyRole) -> [Rotation] {
        rotations.filter { $0.area == area && $0.role == role }.sorted {
            ($0.layer, $1.id) > ($1.layer, $0.id)
        }
    }
}

/// Why a candidate is on the list.
public enum DutySource: Sendable, Hashable {
    /// Holds an override now.
    case override(String)
    /// On shift now in this rotation (and layer).
    case rotation(String, layer: Int)
    /// Later in the turn order of this rotation: the next to ask when the person on shift does not answer.
    case nextInRotation(String)
    /// A national duty officer: the last resort when an area's chain runs dry.
    case national

    /// The text form used in the API and on the timeline, e.g. `rotation:r-bredang-fa/0`.
    public var description: String {
        switch self {
        case .override(let id): return "override:\(id)"
        case .rotation(let id, let layer): return "rotation:\(id)/\(layer)"
        case .nextInRotation(let id): return "next-in-rotation:\(id)"
        case .national: return "national"
        }
    }
}

/// One person who can be called out, and why.
public struct DutyCandidate: Sendable, Hashable {
    public var responder: Responder
    public var source: DutySource
}

/// The answer to "who is on duty for role R in area A at time T".
public struct DutySlot: Sendable, Hashable {
    public var area: String
    public var role: DutyRole
    public var at: Date
    /// Nil when nobody covers the moment.
    public var onDuty: Responder?
    public var source: DutySource?
    /// When the person on duty changes next (a hand-off or an override's edge); nil when nothing is planned.
    public var nextHandoff: Date?
    /// Who is on duty from `nextHandoff`.
    public var next: Responder?
}
