/// What a principal may do on the desk.
///
/// `viewer` reads; `responder` reads and acts on their own call-outs and follow-ups; `officer`
/// reports and changes incidents; `admin` does everything, including tokens, responders and
/// rotations.
public enum AccessRole: String, Sendable, Codable, CaseIterable, Hashable {
    case viewer, responder, officer, admin

    /// Every role, comma-separated, for error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
