import DeskAPIModels
import DeskCore
import HTTPTypes
import Hummingbird
import NIOCore

/// The one place where every error becomes a problem.
enum ProblemMapping {
    /// The problem for `error`; nil for an error nobody expected (logged and answered as 500).
    static func problem(for error: any Error, maxBodyBytes: Int) -> APIProblem? {
        switch error {
        case let problem as APIProblem:
            return problem
        case let error as DeskError:
            return problem(for: error)
        case is NIOTooManyBytesError:
            return .bodyTooLarge(limit: maxBodyBytes)
        case let error as HTTPError:
            return APIProblem(
                status: error.status, slug: "http-\(error.status.code)", title: error.status.reasonPhrase,
                detail: error.body ?? error.status.reasonPhrase,
                kind: error.status == .notFound ? .unrouted : .other
            )
        default:
            return nil
        }
    }

    static func problem(for error: DeskError) -> APIProblem {
        switch error {
        case .invalid(let issues):
            return .invalidFields(issues.map { FieldIssueBody(pointer: $0.pointer, detail: $0.detail) })
        case .invalidParameter(let name, let detail):
            return APIProblem(
                status: .badRequest, slug: "invalid-parameter", title: "Invalid query parameter",
                detail: "\(name): \(detail)"
            )
        case .unknownArea(let area, let suggestion):
            var detail = "no area \"\(area)\" is served by this desk"
            if let suggestion { detail += "; did you mean \"\(suggestion)\"?" }
            detail += " (GET /v1/areas lists them)"
            return APIProblem(
                status: .unprocessableContent, slug: "unknown-area", title: "Unknown area", detail: detail,
                errors: [FieldIssueBody(pointer: "/area", detail: "unknown area")], suggestion: suggestion
            )
        case .incidentNotFound(let id):
            return APIProblem(
                status: .notFound, slug: "incident-not-found", title: "Incident not found",
                detail: "no incident has id \(id)"
            )
        case .conflict(let conflict):
            return problem(for: conflict)
        case .idempotencyKeyReused(let key):
            return APIProblem(
                status: .unprocessableContent, slug: "idempotency-key-reused", title: "Idempotency key reused",
                detail: "Idempotency-Key \"\(key)\" was used for a different request; use a new key for a new request"
            )
        case .notFound(let kind, let id):
            // "call-out" -> callout-not-found, "Call-out not found".
            let slug = kind.replacingOccurrences(of: "-", with: "")
            let title = kind.prefix(1).uppercased() + kind.dropFirst() + " not found"
            return APIProblem(
                status: .notFound, slug: "\(slug)-not-found", title: title, detail: "no \(kind) has id \"\(id)\""
            )
        case .unauthenticated(let reason):
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer realm=\"deskd\""
            return APIProblem(
                status: .unauthorized, slug: "unauthenticated", title: "Unauthenticated", detail: reason,
                headers: headers)
        case .forbidden(let reason):
            return APIProblem(status: .forbidden, slug: "forbidden", title: "Forbidden", detail: reason)
        case .overloaded(let reason):
            return APIProblem(
                status: .serviceUnavailable, slug: "write-queue-full", title: "Too many writes at once",
                detail: "\(reason); nothing was stored, try again in a second", kind: .writeQueueFull
            ).retrying(after: 1)
        case .unavailable(let reason):
            return APIProblem(
                status: .serviceUnavailable, slug: "storage-unavailable", title: "Storage unavailable",
                detail: "\(reason); nothing was stored, try again shortly", kind: .storageUnavailable
            ).retrying(after: 5)
        case .unconfirmed(let reason):
            return APIProblem(
                status: .serviceUnavailable, slug: "storage-unavailable", title: "Storage unavailable",
                detail:
                    "\(reason); the write may have been stored: retry with the same Idempotency-Key to get its answer",
                kind: .storageUnavailable
            ).retrying(after: 5)
        }
    }

    private static func problem(for conflict: Conflict) -> APIProblem {
        switch conflict {
        case .incidentClosed(let id):
            return APIProblem(
                status: .conflict, slug: "incident-closed", title: "Incident is closed",
                detail: "incident \(id) is closed; reopen it first"
            )
        case .incidentErased(let id):
            return APIProblem(
                status: .conflict, slug: "incident-erased", title: "Incident is erased",
                detail:
                    "the retention purge erased the personal data of incident \(id); it cannot be reopened, split or "
                    + "take notes (report anew to open a new incident)"
            )
        case .incidentAlreadyOpen(let id):
            return APIProblem(
                status: .conflict, slug: "incident-open", title: "Incident is open",
                detail: "incident \(id) is already open"
            )
        case .samePhase(let id, let phase):
            return APIProblem(
                status: .conflict, slug: "same-phase", title: "Incident already in phase",
                detail: "incident \(id) is already in phase \(phase.rawValue)"
            )
        case .backupExists(let name):
            return APIProblem(
                status: .conflict, slug: "backup-exists", title: "Backup exists",
                detail: "a backup named \"\(name)\" exists already; choose another name (backups are never overwritten)"
            )
        case .onlyReport(let id):
            return APIProblem(
                status: .conflict, slug: "only-report", title: "Cannot split the only report",
                detail: "incident \(id) has a single report; splitting it off would leave an empty incident"
            )
        case .callOutClosed(let id, let state):
            return APIProblem(
                status: .conflict, slug: "callout-closed", title: "Call-out is closed",
                detail:
                    "call-out \(id) is \(state); only a pending or notified call-out can be acknowledged or declined"
            )
        case .followUpClosed(let id, let state):
            return APIProblem(
                status: .conflict, slug: "followup-closed", title: "Follow-up is closed",
                detail: "follow-up \(id) is \(state) already"
            )
        case .verificationRunning:
            return APIProblem(
                status: .conflict, slug: "verification-running", title: "Verification running",
                detail: "a timeline verification is running; they run one at a time, try again when it has finished"
            ).retrying(after: 5)
        case .tokenExists(let name):
            return APIProblem(
                status: .conflict, slug: "token-exists", title: "Token exists",
                detail: "a token named \"\(name)\" exists already; revoke it or choose another name"
            )
        case .alreadyStaffed(let id, let phase):
            return APIProblem(
                status: .conflict, slug: "already-staffed", title: "Already staffed",
                detail: "incident \(id) was already staffed for phase \(phase)"
            )
        case .responderExists(let id):
            return APIProblem(
                status: .conflict, slug: "responder-exists", title: "Responder exists",
                detail: "a responder with id \"\(id)\" exists already; change it with deskctl responder update"
            )
        }
    }
}
