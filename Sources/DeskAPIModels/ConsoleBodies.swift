import DeskCore
import Foundation

/// `POST /v1/console/codes`: a one-time sign-in URL for the duty console.
public struct ConsoleCodeBody: Codable, Sendable, Hashable {
    /// Open this in a browser (once, before `expiresAt`).
    public var url: String
    /// When the code stops working.
    public var expiresAt: Date
    /// Who the console will sign in as.
    public var actor: String
    /// With which role.
    public var role: String

    enum CodingKeys: String, CodingKey {
        case url, actor, role
        case expiresAt = "expires_at"
    }

    /// Creates the body.
    public init(url: String, expiresAt: Date, actor: String, role: String) {
        self.url = url
        self.expiresAt = expiresAt
        self.actor = actor
        self.role = role
    }
}

/// `GET /v1/console/me`: who the console is signed in as.
public struct ConsoleMeBody: Codable, Sendable, Hashable {
    /// The principal, e.g. `unix:sara` or `token:sara-phone`.
    public var actor: String
    /// Its role.
    public var role: String
    /// The responder it is bound to, when a token says so.
    public var responder: String?
    /// The session's second secret, which the console sends in `X-Desk-CSRF` with every request:
    /// only in the answer to `POST /console/sign-in` (nil from `GET /v1/console/me`).
    public var csrfToken: String?
    /// When the console session ends (nil without one).
    public var sessionExpiresAt: Date?

    enum CodingKeys: String, CodingKey {
        case actor, role, responder
        case csrfToken = "csrf_token"
        case sessionExpiresAt = "session_expires_at"
    }

    /// Creates the body.
    public init(actor: String, role: String, responder: String?, csrfToken: String?, sessionExpiresAt: Date?) {
        self.actor = actor
        self.role = role
        self.responder = responder
        self.csrfToken = csrfToken
        self.sessionExpiresAt = sessionExpiresAt
    }
}

/// One console session as listed to admins (never its secret).
public struct ConsoleSessionBody: Codable, Sendable, Hashable {
    /// The session's public id (for `DELETE /v1/console/sessions/{id}`).
    public var id: String
    /// Who it acts as.
    public var actor: String
    /// With which role.
    public var role: String
    /// How it began: `code` (deskctl console) or `token` (a pasted API token).
    public var method: String
    /// When it began.
    public var createdAt: Date
    /// When it ends by itself.
    public var expiresAt: Date

    enum CodingKeys: String, CodingKey {
        case id, actor, role, method
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }

    /// Creates the body.
    public init(id: String, actor: String, role: String, method: String, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.actor = actor
        self.role = role
        self.method = method
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// One open incident on the console's board, with its call-out progress.
public struct BoardItemBody: Codable, Sendable, Hashable {
    /// The incident.
    public var incident: IncidentBody
    /// Call-outs made for it so far (every state).
    public var called: Int
    /// Call-outs the responder said yes to.
    public var acknowledged: Int
    /// Call-outs that escalated, declined or expired (someone else was, or could not be, called).
    public var escalated: Int
    /// Call-outs still waiting for an answer.
    public var waiting: Int
    /// Nobody at all could be found for a role this phase needs.
    public var unstaffed: Bool

    /// Creates the item.
    public init(incident: IncidentBody, called: Int, acknowledged: Int, escalated: Int, waiting: Int, unstaffed: Bool) {
        self.incident = incident
        self.called = called
        self.acknowledged = acknowledged
        self.escalated = escalated
        self.waiting = waiting
        self.unstaffed = unstaffed
    }
}

/// One event of `GET /v1/events` (the SSE `data:` line): what changed, not its content.
public struct LiveEventBody: Codable, Sendable, Hashable {
    /// The event's position on the timeline (also the SSE `id:`).
    public var seq: Int64
    /// E.g. `report.received`.
    public var kind: String
    /// The incident it concerns, if any.
    public var incidentID: String?
    /// When it happened.
    public var at: Date

    enum CodingKeys: String, CodingKey {
        case seq, kind, at
        case incidentID = "incident_id"
    }

    /// Creates the body.
    public init(seq: Int64, kind: String, incidentID: String?, at: Date) {
        self.seq = seq
        self.kind = kind
        self.incidentID = incidentID
        self.at = at
    }
}

/// `POST /console/sign-in`: sign the console in with a one-time code from `deskctl console` (which
/// the page reads from its address's fragment) or with a pasted API token; exactly one of them.
public struct ConsoleSignInRequest: StrictBody, Codable, Sendable, Hashable {
    /// The one-time sign-in code.
    public var code: String?
    /// The API token (`desk_…`).
    public var token: String?
    /// The members the body may have.
    enum CodingKeys: String, CodingKey, CaseIterable { case code, token }

    public static let allowedMembers: [String: Set<String>] = ["": CodingKeys.wireNames]

    /// Creates the request.
    public init(code: String? = nil, token: String? = nil) {
        self.code = code
        self.token = token
    }
}
