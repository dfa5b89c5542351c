/// One thing wrong with one field of a request, located by a JSON pointer (RFC 6901).
public struct FieldIssue: Sendable, Hashable, Codable {
    /// Where, e.g. `/text` or `/reporter/contact`.
    public var pointer: String
    /// What is wrong, in a sentence a duty officer understands.
    public var detail: String

    /// Creates an issue.
    public init(pointer: String, detail: String) {
        self.pointer = pointer
        self.detail = detail
    }
}

/// Why a change to an incident conflicts with its current state.
public enum Conflict: Sendable, Hashable {
    case incidentClosed(DeskID)
    case incidentAlreadyOpen(DeskID)
    /// A retention purge erased the incident's personal data: it cannot be reopened or take new text.
    case incidentErased(DeskID)
    case samePhase(DeskID, Phase)
    /// Splitting would leave the incident without reports.
    case onlyReport(DeskID)
    /// A backup of this name exists already.
    case backupExists(String)
    /// The call-out (id, state) was already answered, escalated or cancelled.
    case callOutClosed(String, String)
    /// The follow-up (id, state) was already done or cancelled.
    case followUpClosed(String, String)
    /// A responder with this id exists already.
    case responderExists(String)
    /// The incident's phase (id, phase) was staffed already, by another run of the scheduler.
    case alreadyStaffed(String, String)
    /// An API token of this name exists already.
    case tokenExists(String)
    /// A timeline verification is running already: they run one at a time.
    case verificationRunning
}

/// Every way a desk operation can fail. The API maps each case to one problem type.
public enum DeskError: Error, Sendable, Hashable {
    /// The request body broke one or more rules.
    case invalid([FieldIssue])
    /// A query parameter is malformed (name, explanation).
    case invalidParameter(String, String)
    /// The report names an area the desk does not serve.
    case unknownArea(String, suggestion: String?)
    /// No incident has this id.
    case incidentNotFound(String)
    /// The change does not fit the incident's current state.
    case conflict(Conflict)
    /// The store cannot take or serve the request right now.
    case unavailable(String)
    /// The store lost sight of a write's commit: it may or may not have been stored. A retry with
    /// the same idempotency key gets the stored answer if it was.
    case unconfirmed(String)
    /// Too many writes are waiting for the disk; the caller should retry in a moment.
    case overloaded(String)
    /// The idempotency key was used before for a different request.
    case idempotencyKeyReused(String)
    /// Nothing of this kind (`responder`, `call-out`, `follow-up`) has this id.
    case notFound(kind: String, id: String)
    /// The caller may not do this; the text says why and, where it helps, what would be allowed.
    case forbidden(String)
    /// The request carries no valid credentials (TCP without a usable token).
    case unauthenticated(String)
}
