import DeskCore
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Token buckets per principal: each role's sustained rate and burst from `APISettings`.
/// Admins and local peers on the Unix socket are not limited (bulk imports and integrations on
/// the host), nor is a role without a limit. Requests without valid credentials have buckets of
/// their own, per client address (`anonymous`).
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: TimeInterval
    }

    private let limits: [AccessRole: APISettings.RateLimit]
    private let anonymousLimit: APISettings.RateLimit
    private let signInLimit: APISettings.RateLimit
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Buckets kept at most; the fullest (idle) ones are dropped first, so memory stays bounded.
    private let maxBuckets = 10_000
    private let now: @Sendable () -> TimeInterval

    init(
        limits: [AccessRole: APISettings.RateLimit],
        anonymous: APISettings.RateLimit = APISettings.defaultAnonymousRateLimit,
        signIn: APISettings.RateLimit = APISettings.defaultSignInRateLimit,
        now: @escaping @Sendable () -> TimeInterval = { ProcessInfo.processInfo.systemUptime }
    ) {
        self.limits = limits
        self.anonymousLimit = anonymous
        self.signInLimit = signIn
        self.now = now
    }

    /// Nil when the request may go ahead, else the seconds until it may.
    func wait(for principal: Principal, transport: Transport) -> TimeInterval? {
        guard transport != .unix, principal.role != .admin, let limit = limits[principal.role], limit.perSecond > 0
        else { return nil }
        return take(key: principal.actor.rawValue, limit: limit, consume: true)
    }

    /// Whether the client at `address` has spent its allowance of requests without valid
    /// credentials: nil when not, else the seconds until it has one again. Takes nothing.
    func anonymousWait(address: String) -> TimeInterval? {
        take(key: "anonymous:\(address)", limit: anonymousLimit, consume: false)
    }

    /// Counts one request without valid credentials from `address`; nil when it was within the
    /// allowance, else the seconds until the address has one again.
    func chargeAnonymous(address: String) -> TimeInterval? {
        take(key: "anonymous:\(address)", limit: anonymousLimit, consume: true)
    }

    /// Counts one console sign-in by `principal` from `address`, against both their allowances:
    /// nil when both had one (both are spent), else the seconds until both have one again (neither is).
    func chargeSignIn(address: String, principal: Principal) -> TimeInterval? {
        let keys = ["sign-in-from:\(address)", "sign-in-as:\(principal.actor.rawValue)"]
        let waits = keys.compactMap { take(key: $0, limit: signInLimit, consume: false) }
        if let longest = waits.max() { return longest }
        for key in keys { _ = take(key: key, limit: signInLimit, consume: true) }
        return nil
    }

    private func take(key: String, limit: APISettings.RateLimit, consume: Bool) -> TimeInterval? {
        let instant = now()
        return buckets.withLock { buckets -> TimeInterval? in
            var bucket = buckets[key] ?? Bucket(tokens: limit.burst, updated: instant)
            bucket.tokens = min(limit.burst, bucket.tokens + (instant - bucket.updated) * limit.perSecond)
            bucket.updated = instant
            defer {
                buckets[key] = bucket
                if buckets.count > maxBuckets { evict(&buckets, at: instant) }
            }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / max(limit.perSecond, 0.001) }
            if consume { bucket.tokens -= 1 }
            return nil
        }
    }

    private func evict(_ buckets: inout [String: Bucket], at instant: TimeInterval) {
        let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(buckets.count / 10)
        for (key, _) in oldest { buckets[key] = nil }
    }
}

/// Answers 429 with `Retry-After` when a principal is over its rate.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = DeskRequestContext
    let limiter: RateLimiter

    func handle(
        _ request: Request, context: DeskRequestContext,
        next: (Request, DeskRequestContext) async throws -> Response
    ) async throws -> Response {
        if let principal = context.principal, let wait = limiter.wait(for: principal, transport: context.transport) {
            let seconds = max(1, Int(wait.rounded(.up)))
            throw APIProblem(
                status: .tooManyRequests, slug: "rate-limited", title: "Too many requests",
                detail:
                    "\(principal.actor) (\(principal.role.rawValue)) is over its request rate; try again in \(seconds) s"
            ).retrying(after: seconds)
        }
        return try await next(request, context)
    }
}
