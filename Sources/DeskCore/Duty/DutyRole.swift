/// What a responder can be called out to do.
public enum DutyRole: String, Sendable, Codable, CaseIterable, Hashable, Comparable {
    /// First aid on scene.
    case firstAid = "first_aid"
    /// Psychosocial support: on scene during a crisis, check-ins for weeks after it.
    case psychosocial
    /// Organises an area's response; the fallback when a rotation runs dry.
    case coordinator

    public static func < (lhs: DutyRole, rhs: DutyRole) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Every role, comma-separated, for error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
