import DeskAPIModels
import DeskCore
import Hummingbird

/// `/v1/tokens`: API tokens for TCP clients (admins; made over the Unix socket only).
struct TokenRoutes {
    let tokens: TokenAuthority
    let duty: DutyDesk
    let body: JSONBody

    func register(on router: Router<DeskRequestContext>) {
        router.get("/v1/tokens") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return try JSONResponse.make(ItemsBody(items: try await tokens.list().map { TokenBody($0) }))
        }
        router.post("/v1/tokens") { request, context in
            guard context.transport == .unix else {
                throw DeskError.forbidden(
                    "tokens are made over the Unix socket only (deskctl token create on the desk's host)")
            }
            let input = try await body.decode(
                TokenRequest.self, from: request, allowedMembers: TokenRequest.allowedMembers)
            if let responder = input.responder, try await duty.roster().responder(responder) == nil {
                throw DeskError.invalid([FieldIssue(pointer: "/responder", detail: "no responder \"\(responder)\"")])
            }
            let (token, secret) = try await tokens.create(
                name: input.name, role: input.role, responderID: input.responder, expiresAt: input.expiresAt,
                by: await context.actor())
            // The secret is shown once: no cache and no idempotency replay may keep this answer.
            return try JSONResponse.make(
                TokenBody(token, secret: secret), status: .created, headers: [.cacheControl: "no-store"])
        }
        router.delete("/v1/tokens/{name}") { _, context in
            let token = try await tokens.revoke(name: try context.parameters.require("name"), by: await context.actor())
            return try JSONResponse.make(TokenBody(token))
        }
    }
}
