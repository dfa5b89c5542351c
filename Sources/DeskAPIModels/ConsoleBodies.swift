import DeskCore
import Foundation

/// `POST /v1/console/codes`: a one-time sign-in URL for the duty console.
public struct ConsoleCodeBody: Codable, Sendable, Hashable {
    /// Open this in a browser (once, before `expiresAt`).
    public var url: String
    public var expiresAt: Date
    /// Who the console will sign in as, and with which role.
    public var actor: String
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
    public var actor: String
    public var role: String
    public var responder: String?
    /// The token the console sends in `X-Desk-CSRF` with every write (nil without a console session).
    public var csrfToken: String?
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
    public var id: String
    public var actor: String
    public var role: String
    public var method: String
    public var createdAt: Date
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
    public var incident: IncidentBody
    /// Call-outs made for it so far (every state).
    public var called: Int
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
    public var seq: Int64
    public var kind: String
    public var incidentID: String?
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

/// `POST /console/sign-in`: sign the console in with a pasted API token.
public struct ConsoleTokenSignInRequest: Codable, Sendable, Hashable {
    public var token: String
    public static let allowedMembers: [String: Set<String>] = ["": ["token"]]

    /// Creates the request.
    public init(token: String) { self.token = token }
}
