import DeskAPIModels
import HTTPTypes
import Hummingbird
import Logging

/// The first middleware of the router: every failure, including unknown routes and wrong
/// methods, answers with `application/problem+json`, and nothing unexpected leaks out as an
/// empty 500. (A middleware rather than a wrapper: the router itself turns Hummingbird's errors
/// into bare responses, and its middleware chain also wraps the not-found responder.)
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = DeskRequestContext

    let routes: RouteTable
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
            if problem.status == .notFound, problem.slug == "http-404" {
                let allowed = routes.methods(forPath: request.uri.path)
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
        if problem.slug == "storage-unavailable" {
            // The disk is full, the database read-only or damaged: an operator must act.
            context.logger.error(
                "storage unavailable: \(problem.detail)",
                metadata: ["problem.type": "\(problem.slug)", "http.path": "\(request.uri.path)"]
            )
        } else if problem.status.code >= 500, problem.slug != "write-queue-full" {
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

/// The registered routes, to tell "no such path" (404) from "wrong method" (405).
struct RouteTable: Sendable {
    private let routes: [(method: HTTPRequest.Method, segments: [String])]

    init(_ descriptions: [(method: HTTPRequest.Method, path: String)]) {
        routes = descriptions.map { ($0.method, $0.path.split(separator: "/").map(String.init)) }
    }

    /// The registered pattern (e.g. `/v1/incidents/{id}`) for `method path`: the one with the
    /// fewest parameter segments when several match.
    func pattern(method: HTTPRequest.Method, path: String) -> String? {
        let segments = path.split(separator: "/").map(String.init)
        return routes.filter { route in
            route.method == method && route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { pattern, actual in
                    (pattern.hasPrefix("{") || pattern.hasPrefix(":")) || pattern == actual
                }
        }
        .min { $0.segments.filter { $0.hasPrefix("{") }.count < $1.segments.filter { $0.hasPrefix("{") }.count }
        .map { "/" + $0.segments.joined(separator: "/") }
    }

    /// The methods registered for a path that matches `path`, `{name}` segments matching anything.
    func methods(forPath path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/").map(String.init)
        return routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { pattern, actual in
                    (pattern.hasPrefix("{") || pattern.hasPrefix(":")) || pattern == actual
                }
        }.map(\.method)
    }
}
