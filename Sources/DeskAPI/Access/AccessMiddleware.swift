import DeskCore
import HTTPTypes
import Hummingbird
import Logging

/// Authenticates every request but `GET /healthz` and checks the principal's role against
/// `RoutePermissions`; the principal is left in the context for the routes and the timeline.
/// Refusals are logged (never with a secret).
struct AccessMiddleware: RouterMiddleware {
    typealias Context = DeskRequestContext
    let access: AccessControl
    let routes: RouteTable

    func handle(
        _ request: Request, context: DeskRequestContext,
        next: (Request, DeskRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if request.method == .get && path == "/healthz" { return try await next(request, context) }
        // The console's page, assets, sign-in and sign-out decide for themselves.
        if ConsoleRoutes.isPublic(method: request.method, path: path) { return try await next(request, context) }
        var context = context
        let principal: Principal
        do {
            switch context.transport {
            case .unix:
                guard let credentials = await PeerCredentials.credentials(of: context.channel) else {
                    throw DeskError.forbidden("the peer's credentials could not be read")
                }
                principal = try access.principal(uid: credentials.uid, gid: credentials.gid)
            case .tcp, .internalSource:
                if request.headers[.authorization] == nil, let secret = ConsoleCookie.secret(in: request.headers) {
                    let session = try consoleSession(secret, request)
                    context.consoleSession = session
                    principal = session.principal
                } else {
                    principal = try await access.principal(authorization: request.headers[.authorization])
                }
            }
        } catch let error as DeskError {
            log(request, context, who: await context.peerActor(), error)
            throw error
        }
        if let pattern = routes.pattern(method: request.method, path: path) {
            let allowed = RoutePermissions.roles(request.method.rawValue, pattern)
            guard allowed.contains(principal.role) else {
                let who = AccessRole.allCases.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
                let error = DeskError.forbidden(
                    "\(principal.actor) has the role \(principal.role.rawValue); \(request.method.rawValue) \(pattern) "
                        + "needs one of: \(who)")
                log(request, context, who: principal.actor, error)
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

    private func log(_ request: Request, _ context: DeskRequestContext, who: Actor, _ error: DeskError) {
        context.logger.notice(
            "access refused: \(request.method.rawValue) \(request.uri.path): \(error)",
            metadata: ["DESK_PRINCIPAL": "\(who)", "DESK_EVENT": "access.refused"])
    }
}
