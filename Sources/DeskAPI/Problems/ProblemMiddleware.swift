import DeskAPIModels
import DeskCore
import HTTPTypes
import Hummingbird
import Logging

/// The first middleware of the router: every failure, including unknown routes and wrong
/// methods, answers with `application/problem+json`, and nothing unexpected leaks out as an
/// empty 500. (A middleware rather than a wrapper: the router itself turns Hummingbird's errors
/// into bare responses, and its middleware chain also wraps the not-found responder.)
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = DeskRequestContext

    /// The registered routes, to tell 404 from 405.
    let routes: RouteRegistrations
    let settings: APISettings

    func handle(
        _ request: Request, context: DeskRequestContext,
        next: (Request, DeskRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return response(for: error, request: request, context: context)
        }
    }

    func response(for error: any Error, request: Request, context: DeskRequestContext) -> Response {
        var problem: APIProblem
        if let mapped = ProblemMapping.problem(for: error, maxBodyBytes: settings.maxBodyBytes) {
            problem = mapped
            if problem.kind == .unrouted {
                let allowed = routes.table.methods(forPath: request.uri.path)
                problem =
                    allowed.isEmpty
                    ? .routeNotFound(request.uri.path)
                    : .methodNotAllowed(request.method, path: request.uri.path, allowed: allowed)
            }
        } else {
            context.logger.error(
                "request failed unexpectedly",
                metadata: ["error": "\(String(reflecting: error))", "http.path": "\(request.uri.path)"]
            )
            problem = .internalError(requestID: context.id)
        }
        if problem.kind == .storageUnavailable {
            // The disk is full, the database read-only or damaged: an operator must act.
            context.logger.error(
                "storage unavailable: \(problem.detail)",
                metadata: ["problem.type": "\(problem.slug)", "http.path": "\(request.uri.path)"]
            )
        } else if problem.status.code >= 500, problem.kind != .writeQueueFull {
            // (A full write queue is logged once per episode by the writer, not per request.)
            context.logger.warning(
                "request answered \(problem.status.code)",
                metadata: ["problem.type": "\(problem.slug)", "problem.detail": "\(problem.detail)"]
            )
        }
        let body = problem.body(instance: request.uri.path)
        do {
            return try JSONResponse.make(
                body, status: problem.status, headers: problem.headers, contentType: ProblemDetails.mediaType
            )
        } catch {
            return Response(status: .internalServerError)
        }
    }
}

/// The registered routes with who may call each: to tell "no such path" (404) from "wrong method"
/// (405), and for `AccessMiddleware` to check roles. Built from the registrations (`DeskRouter`),
/// where each route declares its policy: a command's own, or a read's.
struct RouteTable: Sendable {
    struct Route: Sendable {
        var method: HTTPRequest.Method
        var segments: [String]
        var pattern: String
        var roles: Set<AccessRole>
        /// How many `{name}` segments: the fewest wins when several match.
        var parameters: Int
        /// Served without credentials (`DeskRouter.anyone`): the route authenticates its caller itself.
        var isPublic: Bool
    }

    /// One registration: a route, who may call it, and whether anyone may, unauthenticated.
    typealias Registration = (method: HTTPRequest.Method, path: String, roles: Set<AccessRole>, isPublic: Bool)

    private let routes: [Route]

    init(_ registrations: [Registration]) {
        routes = registrations.map { registration in
            let segments = registration.path.split(separator: "/").map(String.init)
            return Route(
                method: registration.method, segments: segments, pattern: "/" + segments.joined(separator: "/"),
                roles: registration.roles, parameters: segments.filter { $0.hasPrefix("{") }.count,
                isPublic: registration.isPublic)
        }
    }

    /// The registered route for `method path`: the one with the fewest parameter segments when several match.
    func route(method: HTTPRequest.Method, path: String) -> Route? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var best: Route?
        for route in routes where route.method == method && route.segments.count == segments.count {
            guard zip(route.segments, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) else { continue }
            if best == nil || route.parameters < (best?.parameters ?? 0) { best = route }
        }
        return best
    }

    /// The registered pattern (e.g. `/v1/incidents/{id}`) for `method path`.
    func pattern(method: HTTPRequest.Method, path: String) -> String? { route(method: method, path: path)?.pattern }

    /// The methods registered for a path that matches `path`, `{name}` segments matching anything.
    func methods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/").map(String.init)
        return routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { pattern, actual in
                    pattern.hasPrefix("{") || pattern == actual
                }
        }.map(\.method)
    }
}
