import DeskAPIModels

/// Why a call to the daemon failed.
public enum DeskClientError: Error, Sendable, CustomStringConvertible {
    /// The daemon answered with a problem (4xx/5xx with problem+json).
    case problem(ProblemDetails)
    /// The daemon could not be reached at all.
    case unreachable(DeskEndpoint, String)
    /// The daemon answered something that is not the API's form.
    case badResponse(status: Int, String)

    /// A failure a retry with the same idempotency key may cure.
    public var isWorthRetrying: Bool {
        switch self {
        case .unreachable: return true
        case .problem(let problem):
            return problem.status == 503
        case .badResponse(let status, _): return status == 502 || status == 503 || status == 504
        }
    }

    public var description: String {
        switch self {
        case .problem(let problem): return "\(problem.title): \(problem.detail)"
        case .unreachable(let endpoint, let reason): return "cannot reach deskd at \(endpoint): \(reason)"
        case .badResponse(let status, let detail): return "unexpected answer from deskd (HTTP \(status)): \(detail)"
        }
    }
}
