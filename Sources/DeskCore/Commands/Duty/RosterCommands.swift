import Foundation

/// Adds a responder after checking it against the areas and the other responders.
public struct AddResponder: DeskCommand {
    public static let policy = CommandPolicy.admins
    public let responder: Responder

    /// Adds `responder`.
    public init(_ responder: Responder) { self.responder = responder }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> Responder {
        let roster = try transaction.roster()
        if roster.responder(responder.id) != nil { throw DeskError.conflict(.responderExists(responder.id)) }
        var next = roster
        next.responders.append(responder)
        try RosterChecks.validate(
            next, previous: roster, areas: context.settings.areas, only: "/responders/\(roster.responders.count)")
        try transaction.save(responder)
        try transaction.append([
            context.stamp.event(.responderAdded, incident: nil, data: RosterChecks.describe(responder))
        ])
        return responder
    }
}

/// Changes a responder's details; the roster must stay valid (a responder still in a rotation
/// keeps the role and area it needs there). Deactivating one takes them off their call-outs at
/// once, in the same transaction; rotations skip them from then on.
public struct UpdateResponder: DeskCommand {
    public static let policy = CommandPolicy.admins
    public let responderID: String
    public let patch: ResponderPatch

    /// Applies `patch` to responder `responderID`.
    public init(responderID: String, patch: ResponderPatch) {
        self.responderID = responderID
        self.patch = patch
    }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> Responder {
        let roster = try transaction.roster()
        guard let index = roster.responders.firstIndex(where: { $0.id == responderID }) else {
            throw DeskError.notFound(kind: "responder", id: responderID)
        }
        let changed = patch.applied(to: roster.responders[index])
        var next = roster
        next.responders[index] = changed
        try RosterChecks.validate(next, previous: roster, areas: context.settings.areas, only: "/responders/\(index)")
        var data = RosterChecks.describe(changed)
        data["changed"] = .array(patch.changedFields.map(JSONValue.string))
        try transaction.save(changed)
        try transaction.append([context.stamp.event(.responderUpdated, incident: nil, data: data)])
        if !changed.active { try RosterChecks.release([changed.id], in: transaction, context) }
        return changed
    }
}

/// Replaces rotations, overrides and unavailability with the imported roster's and adds or updates
/// its responders, after checking the result as a whole; responders it deactivates are taken off
/// their call-outs in the same transaction.
public struct ImportRoster: DeskCommand {
    public static let policy = CommandPolicy.admins
    public let roster: Roster

    /// Imports `roster`.
    public init(_ roster: Roster) { self.roster = roster }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> RosterImportSummary {
        let current = try transaction.roster()
        var merged = roster
        let named = Set(roster.responders.map(\.id))
        merged.responders = roster.responders + current.responders.filter { !named.contains($0.id) }
        try roster.validate(areas: context.settings.areas)
        try merged.validate(areas: context.settings.areas)
        let added = roster.responders.filter { current.responder($0.id) == nil }.count
        let summary = RosterImportSummary(
            respondersAdded: added, respondersUpdated: roster.responders.count - added,
            rotations: roster.rotations.count, overrides: roster.overrides.count,
            unavailability: roster.unavailability.count)
        for responder in roster.responders { try transaction.save(responder) }
        try transaction.replaceSchedule(with: roster)
        try transaction.append([
            context.stamp.event(
                .rosterImported, incident: nil,
                data: [
                    "responders_added": .int(Int64(summary.respondersAdded)),
                    "responders_updated": .int(Int64(summary.respondersUpdated)),
                    "rotations": .int(Int64(summary.rotations)), "overrides": .int(Int64(summary.overrides)),
                    "unavailability": .int(Int64(summary.unavailability)),
                ])
        ])
        try RosterChecks.release(roster.responders.filter { !$0.active }.map(\.id), in: transaction, context)
        return summary
    }
}

/// "I take this shift": puts a responder on duty for a role in an area for a while.
public struct AddOverride: DeskCommand {
    public static let policy = CommandPolicy.officers
    public let area: String
    public let role: DutyRole
    public let responderID: String
    public let starts: Date
    public let ends: Date
    public let reason: String?

    /// Puts `responderID` on duty for `role` in `area` from `starts` to `ends`.
    public init(area: String, role: DutyRole, responderID: String, starts: Date, ends: Date, reason: String?) {
        self.area = area
        self.role = role
        self.responderID = responderID
        self.starts = starts
        self.ends = ends
        self.reason = reason
    }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> RosterOverride {
        let areas = context.settings.areas
        guard let found = areas.lookup(area) else {
            throw DeskError.unknownArea(area, suggestion: areas.suggestion(for: area)?.id)
        }
        let override = RosterOverride(
            id: "o-\(context.stamp.ids.next().rawValue.prefix(13))", area: found.id, role: role,
            responder: responderID, starts: starts, ends: ends, reason: reason?.trimmingWhitespace().nilIfEmpty)
        let roster = try transaction.roster()
        var next = roster
        next.overrides.append(override)
        try RosterChecks.validate(next, previous: roster, areas: areas, only: "/overrides/\(roster.overrides.count)")
        try transaction.insert(override)
        try transaction.append([
            context.stamp.event(
                .overrideAdded, incident: nil,
                data: [
                    "override": .string(override.id), "area": .string(override.area), "role": .string(role.rawValue),
                    "responder": .string(responderID), "starts": .string(Timestamp.format(starts)),
                    "ends": .string(Timestamp.format(ends)), "reason": .optional(override.reason),
                ])
        ])
        return override
    }
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
