import DeskAPIModels
import DeskCore
import Hummingbird

/// `/v1/tokens`: API tokens for TCP clients (admins; made over the Unix socket only).
struct TokenRoutes {
    let tokens: TokenAuthority
    let body: JSONBody

    func register(on router: DeskRouter) {
        router.get("/v1/tokens", allow: DeskRouter.admins) { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return try JSONResponse.make(ItemsBody(items: try await tokens.list().map { TokenBody($0) }))
        }
        // Not replayable: the answer holds the secret (a retry with a key is refused as a name taken).
        router.on(.post, "/v1/tokens", runs: CreateToken.self) { request, context in
            guard context.transport == .unix else {
                throw DeskError.forbidden(
                    "tokens are made over the Unix socket only (deskctl token create on the desk's host)")
            }
            let input = try await body.decode(
                TokenRequest.self, from: request)
            let (token, secret) = try await tokens.create(
                name: input.name, role: input.role, responderID: input.responder, expiresAt: input.expiresAt,
                by: try context.requirePrincipal(), over: context.transport)
            // The secret is shown once: no cache and no idempotency replay may keep this answer.
            return try JSONResponse.make(
                TokenBody(token, secret: secret), status: .created, headers: [.cacheControl: "no-store"])
        }
        router.on(.delete, "/v1/tokens/{name}", runs: RevokeToken.self) { _, context in
            let token = try await tokens.revoke(
                name: try context.parameters.require("name"), by: try context.requirePrincipal(),
                over: context.transport)
            return try JSONResponse.make(TokenBody(token))
        }
    }
}
