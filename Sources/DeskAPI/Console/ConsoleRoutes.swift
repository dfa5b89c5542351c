import DeskAPIModels
import DeskCore
import Foundation
import HTTPTypes
import Hummingbird

/// The duty console: its page and assets at `/`, sign-in and sign-out, and the `/v1/console`
/// endpoints it and `deskctl console` use.
struct ConsoleRoutes {
    let desk: Desk
    let access: AccessControl
    let body: JSONBody
    let gate: SignInGate

    /// Who the console is signed in as (what the page asks first).
    static let mePath = "/v1/console/me"

    func register(on router: DeskRouter) {
        let sessions = access.console
        // The page, its assets, sign-in and sign-out are public (`anyone`): they decide for themselves.
        router.anyone(.get, "/") { _, _ in try Self.asset("index.html", cache: "no-store") }
        router.anyone(.get, "/console/assets/{file}") { _, context in
            try Self.asset(try context.parameters.require("file"), cache: "no-cache")
        }
        // A GET never signs in (security review L3): a chat's link preview or a mail scanner would
        // redeem the code, and a code in a query ends up in proxy logs and history. The code travels
        // in the URL's fragment, which browsers never send; the page POSTs it. Old links (a code in
        // the query) get the page, which says to run deskctl console again; the code stays unused.
        router.anyone(.get, "/console/sign-in") { _, _ in Self.redirect("/?signin=link", cookie: nil) }
        // Every sign-in passes the gate: failed attempts spend the address's anonymous allowance,
        // successful ones the sign-in allowance of the address and of the principal (review L1, M3).
        router.anyone(.post, "/console/sign-in") { request, context in
            let input = try await body.decode(
                ConsoleSignInRequest.self, from: request)
            let started: (secret: String, session: ConsoleSessions.Session)
            switch (input.code, input.token) {
            case (let code?, nil):
                let address = try gate.admit(request, context)
                guard let redeemed = try await sessions.redeem(code: code) else {
                    try gate.refused(
                        request, address: address,
                        DeskError.unauthenticated(
                            "this sign-in code has already been used or has expired; run deskctl console again"))
                }
                do {
                    try gate.signingIn(redeemed.session.principal, address: address)
                } catch {
                    _ = try? await sessions.end(secret: redeemed.secret)
                    throw error
                }
                started = redeemed
            case (nil, let token?):
                let address = try gate.admit(request, context, remembered: access.tokens.isRemembered(token))
                let checked: TokenAuthority.Checked
                do {
                    checked = try await access.tokens.check(token)
                    guard checked.principal.role != .metrics else {
                        throw DeskError.forbidden(
                            "token \(checked.principal.actor) has the role metrics, which reads /metrics and /readyz "
                                + "only; it cannot sign in to the console")
                    }
                } catch let error as DeskError where error.isRefusal {
                    try gate.refused(request, address: address, error)
                }
                try gate.signingIn(checked.principal, address: address)
                started = try await sessions.start(
                    for: checked.principal, credential: checked.credential, method: "token",
                    notAfter: checked.expiresAt)
            default:
                throw DeskError.invalid([
                    FieldIssue(
                        pointer: "",
                        detail: "send either code (from deskctl console) or token (an API token), one of them")
                ])
            }
            var headers: HTTPFields = [:]
            headers[.setCookie] = Self.cookie(started, secure: gate.isSecure(request, context))
            // The only answer that hands out the session's second secret (never a cookie-only request).
            return try JSONResponse.make(
                Self.me(started.session.principal, started.session, secret: started.session.csrfToken), status: .ok,
                headers: headers)
        }
        router.anyone(.post, "/console/sign-out") { request, context in
            switch try await sessions.proof(request.headers, secure: gate.isSecure(request, context)) {
            case .proven(let secret, _): try await sessions.end(secret: secret)
            case .unproven: throw DeskError.forbidden("signing out needs the console's X-Desk-CSRF header")
            case .ended: break
            }
            var headers: HTTPFields = [:]
            headers[.setCookie] = ConsoleCookie.clearing(secure: gate.isSecure(request, context))
            return Response(status: .noContent, headers: headers)
        }
        // deskctl console hands out codes over the Unix socket only.
        router.on(.post, "/v1/console/codes", allow: DeskRouter.readers) { request, context in
            guard context.transport == .unix, let principal = context.principal else {
                throw DeskError.forbidden(
                    "sign-in codes are handed out over the Unix socket only (deskctl console on the desk's host)")
            }
            // A kept answer would keep the code: this request must not be replayable.
            if try Writes.idempotencyKey(request) != nil {
                throw DeskError.invalidParameter(
                    "Idempotency-Key", "a sign-in code is never replayed; send the request without the header")
            }
            guard let base = sessions.consoleURL else {
                throw DeskError.unavailable(
                    "deskd has no TCP listener for browsers; set [server] http in deskd.toml to serve the console")
            }
            guard let peer = await PeerCredentials.credentials(of: context.channel) else {
                throw DeskError.forbidden("the peer's credentials could not be read")
            }
            // The session checks this local user's role again on every request it makes.
            let (code, expiresAt) = try await sessions.issueCode(
                for: principal, credential: .localPeer(uid: peer.uid, gid: peer.gid))
            return try JSONResponse.make(
                ConsoleCodeBody(
                    url: "\(base)/#code=\(code)", expiresAt: expiresAt,
                    actor: principal.actor.rawValue, role: principal.role.rawValue),
                status: .created)
        }
        router.get(RouterPath(Self.mePath), allow: DeskRouter.readers) { _, context in
            guard let principal = context.principal else { throw DeskError.unauthenticated("not signed in") }
            // Never the session's second secret: whoever shows it has it already.
            return try JSONResponse.make(Self.me(principal, context.consoleSession, secret: nil))
        }
        router.get("/v1/console/board", allow: DeskRouter.readers) { request, context in
            _ = try QueryParameters(request, allowed: [])
            let scope = try await ReadScope.of(context, duty: desk.duty)
            return try JSONResponse.make(ItemsBody(items: try await ConsoleBoard(desk: desk).items(scope)))
        }
        router.get("/v1/console/sessions", allow: DeskRouter.admins) { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return try JSONResponse.make(ItemsBody(items: try await sessions.list().map(Self.listed)))
        }
        router.on(.delete, "/v1/console/sessions/{id}", allow: DeskRouter.admins) { _, context in
            let id = try context.parameters.require("id")
            guard let ended = try await sessions.revoke(id: id) else {
                throw DeskError.notFound(kind: "console session", id: id)
            }
            return try JSONResponse.make(Self.listed(ended))
        }
    }

    private static func me(
        _ principal: Principal, _ session: ConsoleSessions.Session?, secret: String?
    ) -> ConsoleMeBody {
        ConsoleMeBody(
            actor: principal.actor.rawValue, role: principal.role.rawValue, responder: principal.responderID,
            csrfToken: secret, sessionExpiresAt: session?.expiresAt)
    }

    /// `Set-Cookie` for a new session, lasting as long as the session.
    private static func cookie(_ started: (secret: String, session: ConsoleSessions.Session), secure: Bool) -> String {
        let lifetime = started.session.expiresAt.timeIntervalSince(started.session.createdAt)
        return ConsoleCookie.setting(started.secret, maxAge: max(0, Int(lifetime.rounded(.down))), secure: secure)
    }

    private static func listed(_ session: ConsoleSessions.Session) -> ConsoleSessionBody {
        ConsoleSessionBody(
            id: session.id, actor: session.principal.actor.rawValue, role: session.principal.role.rawValue,
            method: session.method, createdAt: session.createdAt, expiresAt: session.expiresAt)
    }

    private static func asset(_ name: String, cache: String) throws -> Response {
        guard let file = ConsoleAssets.files[name] else {
            throw DeskError.notFound(kind: "console file", id: name)
        }
        return Response(
            status: .ok, headers: ConsoleCookie.pageHeaders(contentType: file.contentType, cache: cache),
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    private static func redirect(_ location: String, cookie: String?) -> Response {
        var headers = ConsoleCookie.pageHeaders(contentType: "text/plain; charset=utf-8", cache: "no-store")
        headers[.location] = location
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }
}
