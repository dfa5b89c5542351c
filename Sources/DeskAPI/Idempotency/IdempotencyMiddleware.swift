import Crypto
import DeskCore
import HTTPTypes
import Hummingbird
import NIOCore

/// `Idempotency-Key` on every write other than `POST /v1/reports` (which keeps its key in the
/// report's own transaction): the first request with a key claims it and, when it succeeds, its
/// answer is kept; a retry with the same key and the same request (method, path, query and body,
/// byte for byte) gets that answer again with `Idempotent-Replayed: true` and changes nothing; the
/// same key for a different request is `422`; a retry while the first is still running is `409`.
/// A write that fails gives its key up, so that its retry is done.
///
/// Requests are matched by the route they reach (`/v1/tokens/` is `POST /v1/tokens`), so a path
/// spelled differently cannot slip past an exemption; a request no route takes costs no write.
/// `POST /v1/tokens` is left out, and an answer marked `Cache-Control: no-store` (one holding a
/// secret) is never kept, whatever route gave it. A crash between a write's commit and the keeping of its answer leaves the key claimed; after
/// `IncidentDesk.abandonedClaimSeconds` a retry does the write again.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = DeskRequestContext
    let desk: IncidentDesk
    let routes: RouteTable
    let maxBodyBytes: Int

    /// Reports keep their own keys; a token's answer holds its secret; classify stores nothing.
    static let exempt: Set<String> = ["POST /v1/reports", "POST /v1/tokens", "POST /v1/classify"]

    func handle(
        _ request: Request, context: DeskRequestContext,
        next: (Request, DeskRequestContext) async throws -> Response
    ) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method),
            let pattern = routes.pattern(method: request.method, path: request.uri.path),
            !Self.exempt.contains("\(request.method.rawValue) \(pattern)"),
            let key = try ReportRoutes.idempotencyKey(request)
        else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: maxBodyBytes)
        let claim = IdempotencyClaim(
            key: key, principal: await context.actor().rawValue, requestHash: Self.digest(request, body: body))
        switch try await desk.claimResponse(claim) {
        case .replay(let stored):
            return Self.response(stored)
        case .inProgress:
            throw DeskError.conflict(.idempotencyKeyTaken(key))
        case .claimed:
            break
        }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            try? await desk.releaseResponse(claim)
            throw error
        }
        guard (200..<300).contains(response.status.code),
            response.headers[.cacheControl]?.contains("no-store") != true
        else {
            try? await desk.releaseResponse(claim)
            return response
        }
        let collector = BodyCollector()
        try await response.body.write(CollectingWriter(collector: collector))
        let stored = StoredResponse(
            status: response.status.code, contentType: response.headers[.contentType],
            location: response.headers[.location], body: Array(buffer: collector.buffer))
        do {
            try await desk.recordResponse(claim, stored)
        } catch {
            // The write is done; only its replay is lost. Say so, and let a retry claim again later.
            context.logger.warning("could not keep the answer for Idempotency-Key \(key): \(error)")
        }
        var answered = response
        answered.body = ResponseBody(byteBuffer: collector.buffer)
        return answered
    }

    /// SHA-256 of the method, path with query, and body.
    static func digest(_ request: Request, body: ByteBuffer) -> String {
        var hash = SHA256()
        hash.update(data: Array("\(request.method.rawValue) \(request.uri.description)\n".utf8))
        hash.update(data: body.readableBytesView)
        return Hex.encode(hash.finalize())
    }

    /// The kept answer, marked as a replay.
    static func response(_ stored: StoredResponse) -> Response {
        var headers = HTTPFields()
        if let contentType = stored.contentType { headers[.contentType] = contentType }
        if let location = stored.location { headers[.location] = location }
        if let name = HTTPField.Name("Idempotent-Replayed") { headers[name] = "true" }
        return Response(
            status: HTTPResponse.Status(code: stored.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: stored.body)))
    }
}

/// Where `CollectingWriter` puts the bytes.
///
/// `@unchecked Sendable`: written by one body write at a time, read only after it finished.
private final class BodyCollector: @unchecked Sendable {
    var buffer = ByteBuffer()
}

/// A response body writer that keeps what is written.
private struct CollectingWriter: ResponseBodyWriter {
    let collector: BodyCollector

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        collector.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
