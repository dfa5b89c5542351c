import DeskCore
import HTTPTypes
import Hummingbird
import Logging

/// Authenticates every request but `GET /healthz` and checks the principal's role against the
/// route's policy (declared where the route is registered: a write's by its command); the
/// principal is left in the context for the routes and the timeline.
///
/// Over TCP, requests without valid credentials are limited per client address before any
/// authentication work: once an address has spent its allowance (`APISettings.anonymousRateLimit`)
/// such requests are answered 429. Refusals go to `RefusalLog`, a count per interval (never a secret).
struct AccessMiddleware: RouterMiddleware {
    typealias Context = DeskRequestContext
    let access: AccessControl
    let routes: RouteTable
    let limiter: RateLimiter
    let refusals: RefusalLog

    func handle(
        _ request: Request, context: DeskRequestContext,
        next: (Request, DeskRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if request.method == .get && path == "/healthz" { return try await next(request, context) }
        // The console's page, assets, sign-in and sign-out decide for themselves.
        if ConsoleRoutes.isPublic(method: request.method, path: path) { return try await next(request, context) }
        // The inbound SMS endpoints authenticate the gateway themselves (basic auth or signature).
        if SMSRoutes.isPublic(method: request.method, path: path) { return try await next(request, context) }
        var context = context
        let principal: Principal
        do {
            switch context.transport {
            case .unix:
                guard let credentials = await PeerCredentials.credentials(of: context.channel) else {
                    throw DeskError.forbidden("the peer's credentials could not be read")
                }
                principal = try await access.principal(uid: credentials.uid, gid: credentials.gid)
            case .tcp, .internalSource:
                let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
                let authorization = request.headers[.authorization]
                do {
                    if authorization == nil, let secret = ConsoleCookie.secret(in: request.headers) {
                        let session = try consoleSession(secret, request)
                        try await access.checkStillActive(session.principal)
                        context.consoleSession = session
                        principal = session.principal
                    } else {
                        // Nothing to check: an address over its allowance is refused before any work.
                        if authorization?.isEmpty ?? true, let wait = limiter.anonymousWait(address: address) {
                            throw Self.throttled(address, wait)
                        }
                        principal = try await access.principal(authorization: authorization)
                    }
                } catch let error as DeskError where error.isUnauthenticated {
                    if let wait = limiter.chargeAnonymous(address: address) { throw Self.throttled(address, wait) }
                    throw error
                }
            }
        } catch let error as DeskError {
            await refuse(request, context, error)
            throw error
        } catch let problem as APIProblem {
            refusals.record(
                status: Int(problem.status.code), peer: "\(await context.peerActor())", reason: problem.detail)
            throw problem
        }
        if let route = routes.route(method: request.method, path: path) {
            let allowed = route.roles
            guard allowed.contains(principal.role) else {
                let who = AccessRole.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
                let error = DeskError.forbidden(
                    "\(principal.actor) has the role \(principal.role.rawValue); \(request.method.rawValue) "
                        + "\(route.pattern) needs one of: \(who.isEmpty ? "none" : who)")
                await refuse(request, context, error)
                throw error
            }
        }
        context.principal = principal
        return try await next(request, context)
    }

    /// The live session of a console cookie; a write must also carry the session's CSRF token.
    private func consoleSession(_ secret: String, _ request: Request) throws(DeskError) -> ConsoleSessions.Session {
        guard let session = access.console.session(secret: secret) else {
            throw DeskError.unauthenticated("the console session has ended or expired; sign in again")
        }
        if ![.get, .head].contains(request.method) {
            guard let name = ConsoleCookie.csrfHeader, let presented = request.headers[name],
                TokenAuthority.constantTimeEqual(presented, session.csrfToken)
            else {
                throw DeskError.forbidden("a write from the console must carry its X-Desk-CSRF header")
            }
        }
        return session
    }

    /// 429 for an address over its allowance of requests without valid credentials.
    private static func throttled(_ address: String, _ wait: Double) -> APIProblem {
        let seconds = max(1, Int(wait.rounded(.up)))
        return APIProblem(
            status: .tooManyRequests, slug: "rate-limited", title: "Too many requests",
            detail:
                "too many requests without valid credentials from \(address); send a valid token, or try again in "
                + "\(seconds) s"
        ).retrying(after: seconds)
    }

    private func refuse(_ request: Request, _ context: DeskRequestContext, _ error: DeskError) async {
        let status: Int
        switch error {
        case .unauthenticated: status = 401
        case .forbidden: status = 403
        default: return  // not a refusal (the store did not answer): the problem middleware logs it
        }
        refusals.record(
            status: status, peer: "\(await context.actor())",
            reason: "\(request.method.rawValue) \(request.uri.path): \(error)")
    }
}

extension DeskError {
    /// A request without valid credentials (what the anonymous allowance counts).
    fileprivate var isUnauthenticated: Bool {
        if case .unauthenticated = self { return true }
        return false
    }
}
