import DeskCore
import Foundation

/// Limits the HTTP layer enforces on every request and connection.
public struct APISettings: Sendable, Hashable {
    /// Largest request body, in bytes (413 above).
    public var maxBodyBytes: Int
    /// Deepest JSON nesting accepted (400 above).
    public var maxJSONDepth: Int
    /// Most header fields in one request (431 above).
    public var maxHeaderCount: Int
    /// Most bytes of header names and values in one request (431 above).
    public var maxHeaderBytes: Int
    /// A connection's first request head must arrive whole within this long: a client that
    /// trickles bytes is cut off.
    public var headerTimeout: TimeInterval
    /// A request's body must arrive whole within this long of its head.
    public var bodyTimeout: TimeInterval
    /// A keep-alive connection with nothing to do is closed after this long.
    public var idleTimeout: TimeInterval
    /// Most open connections per listener; more are answered 503 and closed.
    public var maxConnections: Int
    /// Seconds between a live stream's keep-alive comments; at each, the stream's principal is
    /// checked again (an ended console session or a lost role ends the stream).
    public var streamHeartbeat: TimeInterval = 15
    /// Most open connections of one peer per listener: one client address over TCP, one local
    /// user (uid) on the Unix socket; more are answered 503 and closed. Root and deskd's own user
    /// are not capped on the socket (they are admins, and the operator's way in).
    public var maxConnectionsPerPeer: Int = 64
    /// The monotonic clock the rate limits refill by (the system's uptime; tests move their own).
    public var rateClock: RateClock = .system
    /// Sustained requests per second and burst, per principal, by role; a role not listed
    /// (admins) and local peers on the Unix socket are not limited.
    public var rateLimits: [AccessRole: RateLimit]
    /// Requests without valid credentials per TCP client address, counted before authentication:
    /// once the burst is spent, such requests are answered 429 without being authenticated.
    public var anonymousRateLimit: RateLimit
    /// Console sign-ins that succeed, per client address and per principal: a person signs in a
    /// few times a day, so a burst of 10 and then one a minute; over it, 429 and no session.
    public var signInRateLimit: RateLimit
    /// Peers whose `X-Forwarded-For` (the client's address) and `X-Forwarded-Proto` are believed:
    /// the TLS proxy in front of deskd. Empty: every TCP peer is the client.
    public var trustedProxies: Set<String>
    /// The inbound SMS endpoints' settings (none: both answer 404).
    public var texts: TextInbox

    /// A token bucket: `perSecond` sustained, `burst` at once.
    public struct RateLimit: Sendable, Hashable {
        public var perSecond: Double
        public var burst: Double

        /// Creates a limit.
        public init(perSecond: Double, burst: Double) {
            self.perSecond = perSecond
            self.burst = burst
        }
    }

    /// The default rate limits: officers 20/s, responders and viewers 10/s, each with a burst of 100.
    public static let defaultRateLimits: [AccessRole: RateLimit] = [
        .officer: RateLimit(perSecond: 20, burst: 100), .responder: RateLimit(perSecond: 10, burst: 100),
        .viewer: RateLimit(perSecond: 10, burst: 100),
    ]

    /// The default for requests without valid credentials: a burst of 20, then one per 10 seconds.
    public static let defaultAnonymousRateLimit = RateLimit(perSecond: 0.1, burst: 20)

    /// The default for console sign-ins: a burst of 10 per address and per principal, then one a minute.
    public static let defaultSignInRateLimit = RateLimit(perSecond: 1.0 / 60, burst: 10)

    /// Creates settings; the defaults are 64 KiB bodies, 32 levels of JSON, 100 headers in 16 KiB,
    /// 10 s for a head, 30 s for a body, 90 s idle (longer than HTTP clients keep idle connections), 1024 connections,
    /// `defaultRateLimits`, `defaultAnonymousRateLimit`, `defaultSignInRateLimit` and no trusted proxy.
    public init(
        maxBodyBytes: Int = 65_536, maxJSONDepth: Int = 32, maxHeaderCount: Int = 100, maxHeaderBytes: Int = 16_384,
        headerTimeout: TimeInterval = 10, bodyTimeout: TimeInterval = 30, idleTimeout: TimeInterval = 90,
        maxConnections: Int = 1024, rateLimits: [AccessRole: RateLimit] = APISettings.defaultRateLimits,
        anonymousRateLimit: RateLimit = APISettings.defaultAnonymousRateLimit,
        signInRateLimit: RateLimit = APISettings.defaultSignInRateLimit, trustedProxies: Set<String> = [],
        texts: TextInbox = TextInbox()
    ) {
        self.texts = texts
        self.maxBodyBytes = maxBodyBytes
        self.maxJSONDepth = maxJSONDepth
        self.maxHeaderCount = maxHeaderCount
        self.maxHeaderBytes = maxHeaderBytes
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.rateLimits = rateLimits
        self.anonymousRateLimit = anonymousRateLimit
        self.signInRateLimit = signInRateLimit
        self.trustedProxies = trustedProxies
    }
}

/// A monotonic clock in seconds, for the rate limits' refill: the system's uptime in deskd, one a
/// test moves by hand in tests. Equal only to itself (settings compare by identity here).
public final class RateClock: Sendable, Hashable {
    /// The current reading, in seconds from any fixed origin.
    public let now: @Sendable () -> TimeInterval

    /// A clock that reads `now`.
    public init(_ now: @escaping @Sendable () -> TimeInterval) { self.now = now }

    /// The system's uptime, which no change of the wall clock moves.
    public static let system = RateClock { ProcessInfo.processInfo.systemUptime }

    public static func == (lhs: RateClock, rhs: RateClock) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
