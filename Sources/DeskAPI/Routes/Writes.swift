import Crypto
import DeskAPIModels
import DeskCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// How a write route runs its command: through the one pipeline, with the request's
/// `Idempotency-Key` (if any) claimed in the command's own transaction and the answer kept there
/// for retries. A retry with the same key and the same request (method, path, query and the body's
/// meaning — not its spacing or member order) gets that answer again with `Idempotent-Replayed:
/// true` and changes nothing; the same key for a different request is `422`. A write that fails
/// keeps nothing, so its retry is done.
struct Writes: Sendable {
    let commands: CommandRunner

    /// Runs `command` for the request's principal and answers `render(outcome)` as JSON with `status`
    /// (and `location(outcome)` as `Location`), written without `JSONEncoder`.
    func run<Command: DeskCommand, Body: Encodable & JSONWritable>(
        _ command: Command, _ request: Request, _ context: DeskRequestContext, body: JSONValue? = nil,
        status: HTTPResponse.Status = .ok, location: (@Sendable (Command.Outcome) -> String)? = nil,
        _ render: @escaping @Sendable (Command.Outcome) -> Body
    ) async throws -> Response {
        try await execute(command, request, context, body: body, status: status, location: location) {
            render($0).jsonBytes
        }
    }

    /// Runs `command` and answers `render(outcome)`, encoded with the API's `JSONEncoder`.
    func run<Command: DeskCommand, Body: Encodable>(
        _ command: Command, _ request: Request, _ context: DeskRequestContext, body: JSONValue? = nil,
        status: HTTPResponse.Status = .ok, location: (@Sendable (Command.Outcome) -> String)? = nil,
        _ render: @escaping @Sendable (Command.Outcome) -> Body
    ) async throws -> Response {
        try await execute(command, request, context, body: body, status: status, location: location) {
            Array(try DeskJSON.encoder().encode(render($0)))
        }
    }

    private func execute<Command: DeskCommand>(
        _ command: Command, _ request: Request, _ context: DeskRequestContext, body: JSONValue?,
        status: HTTPResponse.Status, location: (@Sendable (Command.Outcome) -> String)?,
        _ encode: @escaping @Sendable (Command.Outcome) throws -> [UInt8]
    ) async throws -> Response {
        let principal = try context.requirePrincipal()
        let key = try Self.idempotencyKey(request).map {
            IdempotencyClaim(
                key: $0, principal: principal.actor.rawValue, requestHash: Self.digest(request, body: body))
        }
        let answer: @Sendable (Command.Outcome) throws -> StoredResponse = { outcome in
            StoredResponse(
                status: Int(status.code), contentType: "application/json", location: location?(outcome),
                body: try encode(outcome))
        }
        switch try await commands.run(command, by: principal, over: context.transport, key: key, answer: answer) {
        case .done(let outcome, let kept, _):
            return Self.response(try kept ?? answer(outcome), replayed: false)
        case .replayed(let stored):
            return Self.response(stored, replayed: true)
        }
    }

    /// The `Idempotency-Key` header, if sent; 400 when it is not 1-200 visible ASCII characters.
    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let name = HTTPField.Name("Idempotency-Key"), let key = request.headers[name] else { return nil }
        guard IdempotencyClaim.isValidKey(key) else {
            throw APIProblem(
                status: .badRequest, slug: "invalid-idempotency-key", title: "Invalid Idempotency-Key",
                detail: "Idempotency-Key must be 1 to 200 visible ASCII characters, e.g. a UUID")
        }
        return key
    }

    /// SHA-256 of the method, the path with its query, and the body's meaning: its canonical JSON
    /// (sorted keys, no spacing), from the one parse `JSONBody` made of it; nothing for no body.
    static func digest(_ request: Request, body: JSONValue?) -> String {
        var hash = SHA256()
        hash.update(data: Array("\(request.method.rawValue) \(request.uri.description)\n".utf8))
        if let body { hash.update(data: Array(body.canonicalText.utf8)) }
        return Hex.encode(hash.finalize())
    }

    /// The answer as a response; a replay is marked so.
    static func response(_ stored: StoredResponse, replayed: Bool) -> Response {
        var headers = HTTPFields()
        if let contentType = stored.contentType { headers[.contentType] = contentType }
        if let location = stored.location { headers[.location] = location }
        if replayed, let name = HTTPField.Name("Idempotent-Replayed") { headers[name] = "true" }
        return Response(
            status: HTTPResponse.Status(code: stored.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: stored.body)))
    }
}

extension DeskRequestContext {
    /// The authenticated principal; every route but the public ones has one (`AccessMiddleware`).
    func requirePrincipal() throws(DeskError) -> Principal {
        guard let principal else { throw DeskError.unauthenticated("the request was not authenticated") }
        return principal
    }
}
