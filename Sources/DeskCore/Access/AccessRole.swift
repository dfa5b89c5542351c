/// What a principal may do on the desk.
///
/// `metrics` reads `/metrics` and `/readyz` only (a Prometheus scraper, a load balancer's check);
/// `viewer` reads; `responder` reads and acts on their own call-outs and follow-ups; `officer`
/// reports and changes incidents; `admin` does everything, including tokens, responders and
/// rotations. Listed from least to most (a local user with several groups gets the last of theirs).
public enum AccessRole: String, Sendable, Codable, CaseIterable, Hashable {
    case metrics, viewer, responder, officer, admin

    /// Every role, comma-separated, for error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
