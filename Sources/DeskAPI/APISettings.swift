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
    /// Sustained requests per second and burst, per principal, by role; a role not listed
    /// (admins) and local peers on the Unix socket are not limited.
    public var rateLimits: [AccessRole: RateLimit]
    /// Requests without valid credentials per TCP client address, counted before authentication:
    /// once the burst is spent, such requests are answered 429 without being authenticated.
    public var anonymousRateLimit: RateLimit
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

    /// Creates settings; the defaults are 64 KiB bodies, 32 levels of JSON, 100 headers in 16 KiB,
    /// 10 s for a head, 30 s for a body, 90 s idle (longer than HTTP clients keep idle connections), 1024 connections,
    /// `defaultRateLimits` and `defaultAnonymousRateLimit`.
    public init(
        maxBodyBytes: Int = 65_536, maxJSONDepth: Int = 32, maxHeaderCount: Int = 100, maxHeaderBytes: Int = 16_384,
        headerTimeout: TimeInterval = 10, bodyTimeout: TimeInterval = 30, idleTimeout: TimeInterval = 90,
        maxConnections: Int = 1024, rateLimits: [AccessRole: RateLimit] = APISettings.defaultRateLimits,
        anonymousRateLimit: RateLimit = APISettings.defaultAnonymousRateLimit, texts: TextInbox = TextInbox()
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
    }
}
