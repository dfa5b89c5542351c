import Foundation

extension Roster {
    /// Longest override or unavailability accepted: longer ones belong in a rotation.
    public static let maxWindow: TimeInterval = 366 * 86_400

    /// Checks the whole roster against the areas the desk serves; every problem found is reported,
    /// each at its JSON pointer, and nothing is changed.
    public func validate(areas: AreaDirectory) throws(DeskError) {
        var issues: [FieldIssue] = []
        let known = Set(areas.all.map(\.id))
        var byID: [String: Responder] = [:]
        var unixUsers: [String: String] = [:]
        for (index, responder) in responders.enumerated() {
            let at = "/responders/\(index)"
            issues += responder.issues(at: at, knownAreas: known)
            if byID[responder.id] != nil {
                issues.append(FieldIssue(pointer: "\(at)/id", detail: "\"\(responder.id)\" appears twice"))
            }
            byID[responder.id] = responder
            if let user = responder.unixUser {
                if let other = unixUsers[user] {
                    issues.append(
                        FieldIssue(pointer: "\(at)/unix_user", detail: "\"\(user)\" is already bound to \(other)"))
                }
                unixUsers[user] = responder.id
            }
        }
        var rotationIDs: Set<String> = []
        for (index, rotation) in rotations.enumerated() {
            let at = "/rotations/\(index)"
            if !Self.isValidKey(rotation.id) {
                issues.append(FieldIssue(pointer: "\(at)/id", detail: "must be 1-64 letters, digits, '-' or '_'"))
            } else if !rotationIDs.insert(rotation.id).inserted {
                issues.append(FieldIssue(pointer: "\(at)/id", detail: "\"\(rotation.id)\" appears twice"))
            }
            if !known.contains(rotation.area) {
                issues.append(
                    FieldIssue(pointer: "\(at)/area", detail: "no area \"\(rotation.area)\" is served by this desk"))
            }
            if ![1, 7].contains(rotation.shiftDays) {
                issues.append(FieldIssue(pointer: "\(at)/shift_days", detail: "must be 1 (daily) or 7 (weekly)"))
            }
            if !(0...9).contains(rotation.layer) {
                issues.append(FieldIssue(pointer: "\(at)/layer", detail: "must be 0-9"))
            }
            if let ends = rotation.ends, ends <= rotation.starts {
                issues.append(FieldIssue(pointer: "\(at)/ends", detail: "must be after starts (\(rotation.starts))"))
            }
            if rotation.participants.isEmpty {
                issues.append(
                    FieldIssue(pointer: "\(at)/participants", detail: "a rotation needs at least one participant"))
            }
            if Set(rotation.participants).count != rotation.participants.count {
                issues.append(FieldIssue(pointer: "\(at)/participants", detail: "names someone twice"))
            }
            for (position, id) in rotation.participants.enumerated() {
                issues += Self.roleIssues(
                    id, role: rotation.role, area: rotation.area, byID: byID, at: "\(at)/participants/\(position)")
            }
            for (otherIndex, other) in rotations.enumerated().prefix(index)
            where other.area == rotation.area && other.role == rotation.role && other.layer == rotation.layer
                && other.overlaps(rotation)
            {
                issues.append(
                    FieldIssue(
                        pointer: at,
                        detail:
                            "overlaps rotation \"\(other.id)\" (/rotations/\(otherIndex)): same area, role and layer; give one an end date or another layer"
                    ))
            }
        }
        for (index, override) in overrides.enumerated() {
            let at = "/overrides/\(index)"
            if !known.contains(override.area) {
                issues.append(
                    FieldIssue(pointer: "\(at)/area", detail: "no area \"\(override.area)\" is served by this desk"))
            }
            issues += Self.windowIssues(override.starts, override.ends, at: at)
            issues += Self.roleIssues(
                override.responder, role: override.role, area: nil, byID: byID, at: "\(at)/responder")
        }
        for (index, entry) in unavailability.enumerated() {
            let at = "/unavailability/\(index)"
            issues += Self.windowIssues(entry.starts, entry.ends, at: at)
            if byID[entry.responder] == nil {
                issues.append(FieldIssue(pointer: "\(at)/responder", detail: "no responder \"\(entry.responder)\""))
            }
        }
        if !issues.isEmpty { throw DeskError.invalid(issues) }
    }

    private static func roleIssues(
        _ id: String, role: DutyRole, area: String?, byID: [String: Responder], at pointer: String
    ) -> [FieldIssue] {
        guard let responder = byID[id] else { return [FieldIssue(pointer: pointer, detail: "no responder \"\(id)\"")] }
        var issues: [FieldIssue] = []
        if !responder.roles.contains(role) {
            issues.append(FieldIssue(pointer: pointer, detail: "\(id) does not have the role \(role.rawValue)"))
        }
        if let area, !responder.areas.contains(area) {
            issues.append(FieldIssue(pointer: pointer, detail: "\(id) does not cover the area \(area)"))
        }
        return issues
    }

    private static func windowIssues(_ starts: Date, _ ends: Date, at pointer: String) -> [FieldIssue] {
        if ends <= starts { return [FieldIssue(pointer: "\(pointer)/ends", detail: "must be after starts")] }
        if ends.timeIntervalSince(starts) > maxWindow {
            return [FieldIssue(pointer: "\(pointer)/ends", detail: "may be at most 366 days after starts")]
        }
        return []
    }

    /// Ids of rotations and overrides: 1-64 ASCII letters, digits, `-` or `_`.
    public static func isValidKey(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                    || $0 == "_"
            }
    }
}

extension Responder {
    /// What is wrong with this responder on its own, each at a pointer under `at`.
    func issues(at pointer: String, knownAreas: Set<String>) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if !Self.isValidID(id) {
            issues.append(
                FieldIssue(
                    pointer: "\(pointer)/id",
                    detail:
                        "must be 1-64 lower-case letters, digits or '-', starting with a letter (got \"\(id.clipped(40))\")"
                ))
        }
        if name.trimmingWhitespace().isEmpty || name.count > 120 {
            issues.append(FieldIssue(pointer: "\(pointer)/name", detail: "must be 1-120 characters"))
        }
        if contact.trimmingWhitespace().isEmpty || contact.count > 200 {
            issues.append(
                FieldIssue(
                    pointer: "\(pointer)/contact", detail: "must be 1-200 characters (a phone number or an address)"))
        }
        if roles.isEmpty {
            issues.append(FieldIssue(pointer: "\(pointer)/roles", detail: "needs at least one of \(DutyRole.names)"))
        }
        if areas.isEmpty {
            issues.append(FieldIssue(pointer: "\(pointer)/areas", detail: "needs at least one area"))
        }
        for (index, area) in areas.enumerated() where !knownAreas.contains(area) {
            issues.append(
                FieldIssue(
                    pointer: "\(pointer)/areas/\(index)",
                    detail: "no area \"\(area.clipped(40))\" is served by this desk"))
        }
        if let user = unixUser, !Self.isValidUnixUser(user) {
            issues.append(
                FieldIssue(pointer: "\(pointer)/unix_user", detail: "not a user name (got \"\(user.clipped(40))\")"))
        }
        return issues
    }

    /// POSIX portable user names: letters, digits, `.`, `_`, `-`, not starting with `-`, at most 32.
    static func isValidUnixUser(_ name: String) -> Bool {
        (1...32).contains(name.utf8.count) && !name.hasPrefix("-")
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "."
                    || $0 == "_" || $0 == "-"
            }
    }
}
