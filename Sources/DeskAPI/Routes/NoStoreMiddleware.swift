import HTTPTypes
import Hummingbird

/// `Cache-Control: no-store` on every answer under `/v1` that names no policy of its own: answers
/// carry incidents, reports and people's names and contacts, and neither a browser's cache nor a
/// proxy's may keep them (security review 2026-12-06, L7). It sits outside the problem middleware,
/// so problems (401, 404, 429 …) get it too.
struct NoStoreMiddleware: RouterMiddleware {
    typealias Context = DeskRequestContext

    func handle(
        _ request: Request, context: DeskRequestContext,
        next: (Request, DeskRequestContext) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        let path = request.uri.path
        if path == "/v1" || path.hasPrefix("/v1/"), response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}
