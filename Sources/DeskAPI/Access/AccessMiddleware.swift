import DeskCore
import HTTPTypes
import Hummingbird
import Logging

/// Authenticates every request but those of public routes (`DeskRouter.anyone`) and checks the principal's role against the
/// route's policy (declared where the route is registered: a write's by its command); a request
/// no registered route matches is denied. The principal is left in the context for the routes and
/// the timeline.
///
/// Over TCP, requests without valid credentials are limited per client address (behind a trusted
/// proxy, the address it forwards) before any authentication work: once an address has spent its
/// allowance (`APISettings.anonymousRateLimit`) such requests are answered 429, and a bearer token
/// is looked up only if it was checked before. `GET /v1/console/me` without credentials is never
/// charged (the console asks it first, to show its sign-in form). A console session is checked
/// again against the credential it was made from on every request. Refusals go to `RefusalLog`, a
/// count per interval (never a secret).
struct AccessMiddleware: RouterMiddleware {
    typealias Context = DeskRequestContext
    let access: AccessControl
    /// The registered routes with who may call each.
    let routes: RouteRegistrations
    let limiter: RateLimiter
    let refusals: RefusalLog
    /// Who the client is behind a trusted proxy.
    let clients: ClientAddresses

    func handle(
        _ request: Request, context: DeskRequestContext,
        next: (Request, DeskRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        let matched = routes.table.route(method: request.method, path: path)
        // Routes registered for anyone (`DeskRouter.anyone`) decide for themselves: /healthz, the
        // console's page, assets, sign-in and sign-out, the SMS gateways (basic auth or signature).
        if matched?.isPublic == true { return try await next(request, context) }
        var context = context
        let principal: Principal
        do {
            switch context.transport {
            case .unix:
                guard let credentials = await PeerCredentials.credentials(of: context.channel) else {
                    throw DeskError.forbidden("the peer's credentials could not be read")
                }
                principal = try await access.principal(uid: credentials.uid, gid: credentials.gid)
            case .tcp, .internalSource, .sms:
                let address = clients.client(request, context)
                let authorization = request.headers[.authorization]
                // The console asks who it is signed in as before showing anything: never charged or
                // throttled without credentials, so a busy address still gets its sign-in form.
                let free = request.method == .get && path == ConsoleRoutes.mePath && authorization == nil
                do {
                    let secure = clients.isSecure(peer: context.peerAddress, headers: request.headers)
                    if authorization == nil, ConsoleCookie.secret(in: request.headers, secure: secure) != nil {
                        var (secret, session) = try await consoleSession(request, secure: secure)
                        session.principal = try await sessionPrincipal(session, secret: secret)
                        context.consoleSession = session
                        context.consoleSecret = secret
                        principal = session.principal
                    } else {
                        // An address over its allowance is refused before any work: no token is looked
                        // up unless it was checked before (so a guessed token costs no database read).
                        if !free, let wait = limiter.anonymousWait(address: address), !isRemembered(authorization) {
                            throw Self.throttled(address, wait)
                        }
                        principal = try await access.principal(authorization: authorization)
                    }
                } catch let error as DeskError where error.isUnauthenticated && !free {
                    if let wait = limiter.chargeAnonymous(address: address) { throw Self.throttled(address, wait) }
                    throw error
                }
            }
        } catch let error as DeskError {
            await refuse(request, context, error)
            throw error
        } catch let problem as APIProblem {
            refusals.record(
                status: Int(problem.status.code), peer: await peer(request, context), reason: problem.detail)
            throw problem
        }
        // No registered route, no policy saying who may call it: denied (404, or 405 for another method).
        guard let route = matched else { throw HTTPError(.notFound) }
        let allowed = route.roles
        guard allowed.contains(principal.role) else {
            let who = AccessRole.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            let error = DeskError.forbidden(
                "\(principal.actor) has the role \(principal.role.rawValue); \(request.method.rawValue) "
                    + "\(route.pattern) needs one of: \(who.isEmpty ? "none" : who)")
            await refuse(request, context, error)
            throw error
        }
        context.principal = principal
        return try await next(request, context)
    }

    /// The live session of the request's console cookies (each is tried) and its secret, proven on
    /// every request, reads and the live stream included, by the session's second secret in
    /// `X-Desk-CSRF` (security review M1): cookies ignore ports, so the cookie alone may come from
    /// any listener on this host.
    private func consoleSession(
        _ request: Request, secure: Bool
    ) async throws -> (secret: String, session: ConsoleSessions.Session) {
        switch try await access.console.proof(request.headers, secure: secure) {
        case .proven(let secret, let session):
            return (secret, session)
        case .unproven:
            throw DeskError.unauthenticated(
                "a console request must carry its session's X-Desk-CSRF header (the page sends it); sign in again")
        case .ended:
            throw DeskError.unauthenticated("the console session has ended or expired; sign in again")
        }
    }

    /// Who a console session acts for now (`AccessControl.principal(of:)`): a session whose
    /// credential is refused ends at once, with the refusal as the answer.
    private func sessionPrincipal(_ session: ConsoleSessions.Session, secret: String) async throws -> Principal {
        do {
            return try await access.principal(of: session.credential)
        } catch let error as DeskError where error.isRefusal {
            _ = try? await access.console.end(secret: secret)
            throw error
        }
    }

    /// Whether `Authorization: Bearer …` carries a token checked since tokens last changed.
    private func isRemembered(_ authorization: String?) -> Bool {
        guard let authorization else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return access.tokens.isRemembered(String(parts[1]).trimmingCharacters(in: .whitespaces))
    }

    /// 429 for an address over its allowance of requests without valid credentials.
    static func throttled(_ address: String, _ wait: Double) -> APIProblem {
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
            status: status, peer: await peer(request, context),
            reason: "\(request.method.rawValue) \(request.uri.path): \(error)")
    }

    /// Who is refused: the principal, else the Unix user or the TCP client (behind a trusted proxy,
    /// the address it forwards, so that the count of addresses means something).
    private func peer(_ request: Request, _ context: DeskRequestContext) async -> String {
        if let principal = context.principal { return principal.actor.rawValue }
        guard context.transport == .unix else { return Actor.tcpPeer(clients.client(request, context)).rawValue }
        return await context.peerActor().rawValue
    }
}

extension DeskError {
    /// A request without valid credentials (what the anonymous allowance counts).
    var isUnauthenticated: Bool {
        if case .unauthenticated = self { return true }
        return false
    }

    /// A refusal of the credentials or their role (401 or 403), not a failure to check them.
    var isRefusal: Bool {
        switch self {
        case .unauthenticated, .forbidden: return true
        default: return false
        }
    }
}
