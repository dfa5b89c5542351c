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
                principal = try await access.principal(authorization: request.headers[.authorization])
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

    private func log(_ request: Request, _ context: DeskRequestContext, who: Actor, _ error: DeskError) {
        context.logger.notice(
            "access refused: \(request.method.rawValue) \(request.uri.path): \(error)",
            metadata: ["DESK_PRINCIPAL": "\(who)", "DESK_EVENT": "access.refused"])
    }
}
