import AsyncHTTPClient
import DeskAPI
import DeskAPIModels
import DeskCore
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// The duty console over real sockets: one-time sign-in codes, session cookies, CSRF, sign-out,
/// revocation, the page's headers and embedded assets, the board's scope.
@Suite(.serialized) struct ConsoleTests {
    /// A client that shows redirects instead of following them (the sign-in answers 303).
    static func withClient<Result>(_ body: (HTTPClient) async throws -> Result) async throws -> Result {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// One request over TCP with no Authorization header unless given.
    static func send(
        _ client: HTTPClient, _ server: TestServer, _ method: HTTPMethod, _ path: String, body: String? = nil,
        headers: [(String, String)] = []
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.tcpPort)\(path)")
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return TestResponse(
            status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
    }

    /// A fresh one-time sign-in code and the URL it came in, made over the Unix socket (the test
    /// runs as deskd's user: admin).
    static func signInCode(_ server: TestServer) async throws -> (code: String, url: String) {
        let made = try await server.send(.unix, .POST, "/v1/console/codes", body: "{}")
        #expect(made.status == 201, "\(made.text)")
        let body = try made.decode(ConsoleCodeBody.self)
        #expect(body.role == "admin")
        let code = try #require(body.url.components(separatedBy: "code=").last)
        return (code, body.url)
    }

    /// Signs in as the page does (the code POSTed as JSON): the cookie (`desk_session=…`) and the
    /// session's secret for `X-Desk-CSRF`, from the answer.
    static func signIn(
        _ client: HTTPClient, _ server: TestServer, headers: [(String, String)] = []
    ) async throws -> (cookie: String, secret: String) {
        let code = try await signInCode(server).code
        let answer = try await send(
            client, server, .POST, "/console/sign-in", body: #"{"code": "\#(code)"}"#, headers: headers)
        #expect(answer.status == 200, "\(answer.text)")
        return (try cookie(answer), try #require(try answer.decode(ConsoleMeBody.self).csrfToken))
    }

    /// The session cookie (`desk_session=…`) of a `Set-Cookie` answer.
    static func cookie(_ response: TestResponse) throws -> String {
        let header = try #require(response.headers.first(name: "Set-Cookie"))
        return String(header.split(separator: ";")[0])
    }

    /// Security review L3: the code travels in the URL's fragment, which a browser never sends (so it
    /// is in no proxy log and no link preview's request), and only the page's POST redeems it, once.
    @Test func aSignInCodeIsRedeemedByThePagesPostOnlyAndOnce() async throws {
        try await TestServer.with { server in
            try await Self.withClient { client in
                let (code, url) = try await Self.signInCode(server)
                #expect(url == "http://127.0.0.1:\(server.tcpPort)/#code=\(code)")
                // A GET with the code (a chat's link preview, a mail scanner, an old link) gets
                // nothing, and the code stays unused.
                let fetched = try await Self.send(client, server, .GET, "/console/sign-in?code=\(code)")
                #expect(fetched.status == 303)
                #expect(fetched.headers.first(name: "Set-Cookie") == nil)
                #expect(fetched.headers.first(name: "Location") == "/?signin=link")
                #expect(try await server.access.console.list().isEmpty)

                // The page's POST redeems it: a strict session cookie, and the session's secret.
                let signedIn = try await Self.send(
                    client, server, .POST, "/console/sign-in", body: #"{"code": "\#(code)"}"#)
                #expect(signedIn.status == 200, "\(signedIn.text)")
                let setCookie = try #require(signedIn.headers.first(name: "Set-Cookie"))
                #expect(setCookie.hasPrefix("desk_session="))
                for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
                    #expect(setCookie.contains(attribute), "\(setCookie)")
                }
                #expect(!setCookie.contains("Secure"), "plain HTTP on loopback")
                let body = try signedIn.decode(ConsoleMeBody.self)
                #expect(body.role == "admin" && body.actor.hasPrefix("unix:") && body.csrfToken != nil)
                #expect(try await server.access.console.list().map(\.method) == ["code"])

                // Once: the same code again is refused as a problem, with no cookie.
                let again = try await Self.send(
                    client, server, .POST, "/console/sign-in", body: #"{"code": "\#(code)"}"#)
                #expect(again.status == 401, "\(again.text)")
                #expect(again.contentType == "application/problem+json")
                #expect(again.text.contains("deskctl console"), "\(again.text)")
                #expect(again.headers.first(name: "Set-Cookie") == nil)
                #expect(try await server.access.console.list().count == 1)
                // Neither or both of code and token: the body is wrong.
                for bad in ["{}", #"{"code": "x", "token": "y"}"#] {
                    let refused = try await Self.send(client, server, .POST, "/console/sign-in", body: bad)
                    #expect(refused.status == 422, "\(bad): \(refused.text)")
                    #expect(refused.contentType == "application/problem+json")
                }
            }
        }
    }

    /// Behind a trusted TLS proxy (which says so in `X-Forwarded-Proto`) the cookie is Secure and
    /// named `__Host-`; from any other peer the header means nothing.
    @Test(arguments: [true, false]) func behindATLSProxyTheCookieIsSecure(trusted: Bool) async throws {
        try await TestServer.with(settings: APISettings(trustedProxies: trusted ? ["127.0.0.1"] : [])) { server in
            try await Self.withClient { client in
                let code = try await Self.signInCode(server).code
                let proxied = try await Self.send(
                    client, server, .POST, "/console/sign-in", body: #"{"code": "\#(code)"}"#,
                    headers: [("X-Forwarded-Proto", "https")])
                #expect(proxied.status == 200, "\(proxied.text)")
                let setCookie = proxied.headers.first(name: "Set-Cookie")
                #expect(setCookie?.contains("; Secure") == trusted, "\(setCookie ?? "")")
                #expect(setCookie?.hasPrefix("__Host-desk_session=") == trusted, "\(setCookie ?? "")")
            }
        }
    }

    /// Signs in with a pasted API token of `role`: the answer (cookie and the session's secret).
    static func signIn(
        _ client: HTTPClient, _ server: TestServer, role: AccessRole, name: String, headers: [(String, String)] = []
    ) async throws -> TestResponse {
        let token = try await server.access.tokens.create(
            name: name, role: role, responderID: nil, expiresAt: nil, by: .desk
        ).secret
        let answer = try await send(
            client, server, .POST, "/console/sign-in", body: #"{"token": "\#(token)"}"#, headers: headers)
        #expect(answer.status == 200, "\(answer.text)")
        return answer
    }

    /// A request whose answer may be an endless stream: its status and content type, and its body
    /// only when it is not a 200 (the stream is dropped after its first bytes).
    static func opening(
        _ client: HTTPClient, _ server: TestServer, _ path: String, headers: [(String, String)]
    ) async throws -> (status: Int, contentType: String?, text: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.tcpPort)\(path)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        var text = ""
        for try await chunk in response.body {
            text += String(buffer: chunk)
            if response.status == .ok { break }
        }
        return (Int(response.status.code), response.headers.first(name: "Content-Type"), text)
    }

    /// Security review M1: cookies ignore ports, so a listener on any other loopback port receives
    /// the session cookie. The cookie alone opens nothing: every request, reads and the live stream
    /// included, must also bring the session's secret in `X-Desk-CSRF`, which only the answer to
    /// sign-in hands out (the page keeps it in its own origin's storage).
    @Test func theCookieAloneOpensNothing() async throws {
        try await TestServer.with { server in
            try await Self.withClient { client in
                let signedIn = try await Self.signIn(client, server, role: .viewer, name: "wall")
                let cookie = try Self.cookie(signedIn)
                let secret = try #require(try signedIn.decode(ConsoleMeBody.self).csrfToken)
                for path in ["/v1/console/me", "/v1/incidents", "/v1/console/board"] {
                    for headers in [[("Cookie", cookie)], [("Cookie", cookie), ("X-Desk-CSRF", "wrong")]] {
                        let refused = try await Self.send(client, server, .GET, path, headers: headers)
                        #expect(refused.status == 401, "\(path): \(refused.text)")
                        #expect(refused.contentType == "application/problem+json", "\(path)")
                        #expect(refused.text.contains("X-Desk-CSRF"), "\(path): \(refused.text)")
                        #expect(!refused.text.contains(secret))
                    }
                    let proven = try await Self.send(
                        client, server, .GET, path, headers: [("Cookie", cookie), ("X-Desk-CSRF", secret)])
                    #expect(proven.status == 200, "\(path): \(proven.text)")
                    // Whoever already shows the secret is never sent it again.
                    #expect(!proven.text.contains(secret), "\(path)")
                }
                let me = try await Self.send(
                    client, server, .GET, "/v1/console/me", headers: [("Cookie", cookie), ("X-Desk-CSRF", secret)])
                #expect(try me.decode(ConsoleMeBody.self).role == "viewer")
                #expect(try me.decode(ConsoleMeBody.self).csrfToken == nil)

                // The live stream too.
                let alone = try await Self.opening(client, server, "/v1/events", headers: [("Cookie", cookie)])
                #expect(alone.status == 401, "\(alone.text)")
                #expect(alone.text.contains("X-Desk-CSRF"))
                let live = try await Self.opening(
                    client, server, "/v1/events", headers: [("Cookie", cookie), ("X-Desk-CSRF", secret)])
                #expect(live.status == 200)
                #expect(live.contentType == "text/event-stream; charset=utf-8")
            }
        }
    }

    /// Several session cookies in one request (one planted by a listener on another port of this
    /// host, whose cookies reach deskd too; a plain one beside `__Host-` behind TLS): the one whose
    /// session the page's secret proves wins, and behind TLS only the `__Host-` cookie counts.
    @Test func thePagesOwnCookieWinsOverAPlantedOne() async throws {
        // The loopback peer is the TLS proxy here (its X-Forwarded-Proto counts).
        try await TestServer.with(settings: APISettings(trustedProxies: ["127.0.0.1"])) { server in
            try await Self.withClient { client in
                let planted = try Self.cookie(try await Self.signIn(client, server, role: .viewer, name: "planted"))
                let mine = try await Self.signIn(client, server, role: .officer, name: "mine")
                let (cookie, secret) = (
                    try Self.cookie(mine), try #require(try mine.decode(ConsoleMeBody.self).csrfToken)
                )
                // The planted cookie comes first (a longer Path is sent first).
                let me = try await Self.send(
                    client, server, .GET, "/v1/console/me",
                    headers: [("Cookie", "\(planted); \(cookie)"), ("X-Desk-CSRF", secret)])
                #expect(me.status == 200, "\(me.text)")
                #expect(try me.decode(ConsoleMeBody.self).role == "officer")

                // Behind TLS: `__Host-desk_session`, Secure, Path=/ and no Domain.
                let https = ("X-Forwarded-Proto", "https")
                let secure = try await Self.signIn(client, server, role: .officer, name: "tls", headers: [https])
                let setCookie = try #require(secure.headers.first(name: "Set-Cookie"))
                #expect(setCookie.hasPrefix("__Host-desk_session="), "\(setCookie)")
                for attribute in ["; Secure", "; Path=/;", "; HttpOnly", "; SameSite=Strict"] {
                    #expect(setCookie.contains(attribute), "\(setCookie)")
                }
                #expect(!setCookie.contains("Domain"))
                let hostCookie = try Self.cookie(secure)
                let value = String(hostCookie.dropFirst("__Host-desk_session=".count))
                let secureSecret = try #require(try secure.decode(ConsoleMeBody.self).csrfToken)
                let proof = ("X-Desk-CSRF", secureSecret)
                // The same value under the plain name (tossed from a sibling host, or set over HTTP) counts not behind TLS.
                let tossed = try await Self.send(
                    client, server, .GET, "/v1/console/me",
                    headers: [("Cookie", "desk_session=\(value)"), proof, https])
                #expect(tossed.status == 401, "\(tossed.text)")
                let both = try await Self.send(
                    client, server, .GET, "/v1/console/me",
                    headers: [("Cookie", "\(planted); \(hostCookie)"), proof, https])
                #expect(both.status == 200, "\(both.text)")
                // Sign-out clears the cookie of the same name.
                let out = try await Self.send(
                    client, server, .POST, "/console/sign-out", headers: [("Cookie", hostCookie), proof, https])
                #expect(out.status == 204, "\(out.text)")
                let cleared = try #require(out.headers.first(name: "Set-Cookie"))
                #expect(cleared.hasPrefix("__Host-desk_session=;") && cleared.contains("Max-Age=0"), "\(cleared)")
                #expect(cleared.contains("; Secure"))
            }
        }
    }

    /// The sign-in URL names deskd's TCP listener: configured, or inherited from systemd (whose
    /// address reads as `SocketActivation` prints it).
    @Test func theSignInURLNamesTheTCPListener() throws {
        let sessions = try SessionTable().sessions
        #expect(sessions.consoleURL == nil)
        sessions.listening(host: "0.0.0.0", port: 8440)
        #expect(sessions.consoleURL == "http://127.0.0.1:8440")
        sessions.listening(address: "http://127.0.0.1:8441")
        #expect(sessions.consoleURL == "http://127.0.0.1:8441")
        sessions.listening(address: "http://[::1]:8442")
        #expect(sessions.consoleURL == "http://[::1]:8442")
        // A Unix socket or an unreadable address changes nothing.
        sessions.listening(address: "/run/deskd/deskd.sock")
        sessions.listening(address: "tcp:?")
        #expect(sessions.consoleURL == "http://[::1]:8442")
    }

    /// A session's public id is typed on a command line (`deskctl console end ID`): it must never
    /// read as an option (a base64 id could start with '-'), so it is lower-case hex.
    @Test func sessionIdsAreHexAndNeverLookLikeAnOption() async throws {
        let table = try SessionTable(maxSessionsPerPrincipal: 1000)
        let sessions = table.sessions
        let principal = Principal(actor: .unixUser("alice"), role: .officer)
        for _ in 0..<500 {
            let id = try await sessions.start(for: principal, credential: .localPeer(uid: 0, gid: 0), method: "token")
                .session.id
            #expect(id.count == 12 && id.allSatisfy { $0.isHexDigit && !$0.isUppercase }, "\(id)")
        }
    }

    @Test func anExpiredCodeIsRefused() async throws {
        let clock = SettableClock()
        let table = try SessionTable(codeLifetime: 300, now: { clock.now })
        let sessions = table.sessions
        let principal = Principal(actor: .unixUser("sara"), role: .officer)
        let credential = SessionCredential.localPeer(uid: 1000, gid: 1000)
        let (code, _) = try await sessions.issueCode(for: principal, credential: credential)
        clock.now += 301
        #expect(try await sessions.redeem(code: code) == nil)
        let (fresh, _) = try await sessions.issueCode(for: principal, credential: credential)
        let session = try #require(try await sessions.redeem(code: fresh))
        #expect(session.session.credential == credential)
        #expect(session.session.principal == principal)
        // Sessions expire too.
        clock.now += sessions.sessionLifetime + 1
        #expect(try await sessions.session(secret: session.secret) == nil)
    }

    @Test func cookieWritesNeedTheCSRFTokenAndSignOutEndsTheSession() async throws {
        try await TestServer.with { server in
            try await Self.withClient { client in
                let (cookie, csrf) = try await Self.signIn(client, server)
                let report = #"{"area": "bredang", "text": "Brand i trapphuset, pågår"}"#
                for headers in [[("Cookie", cookie)], [("Cookie", cookie), ("X-Desk-CSRF", "wrong")]] {
                    let refused = try await Self.send(
                        client, server, .POST, "/v1/reports", body: report, headers: headers)
                    #expect(refused.status == 401, "\(refused.text)")
                    #expect(refused.text.contains("X-Desk-CSRF"))
                }
                #expect(try await server.desk.incidents.incidents(IncidentQuery(page: try PageRequest())).items.isEmpty)
                let stored = try await Self.send(
                    client, server, .POST, "/v1/reports", body: report,
                    headers: [("Cookie", cookie), ("X-Desk-CSRF", csrf)])
                #expect(stored.status == 201, "\(stored.text)")

                // Sign-out needs the token too, then the session is gone on the server.
                let forged = try await Self.send(
                    client, server, .POST, "/console/sign-out", headers: [("Cookie", cookie)])
                #expect(forged.status == 403)
                let out = try await Self.send(
                    client, server, .POST, "/console/sign-out", headers: [("Cookie", cookie), ("X-Desk-CSRF", csrf)])
                #expect(out.status == 204)
                #expect(out.headers.first(name: "Set-Cookie")?.contains("Max-Age=0") == true)
                let after = try await Self.send(
                    client, server, .GET, "/v1/console/me", headers: [("Cookie", cookie), ("X-Desk-CSRF", csrf)])
                #expect(after.status == 401)
                #expect(
                    try after.json()["detail"] as? String == "the console session has ended or expired; sign in again")
            }
        }
    }

    @Test func sessionsAreListedAndRevocableByAdmins() async throws {
        try await TestServer.with { server in
            try await Self.withClient { client in
                let (cookie, secret) = try await Self.signIn(client, server)
                let proof = [("Cookie", cookie), ("X-Desk-CSRF", secret)]
                #expect(try await Self.send(client, server, .GET, "/v1/console/me", headers: proof).status == 200)
                let listed = try await server.send(.tcp, .GET, "/v1/console/sessions")
                #expect(listed.status == 200)
                let sessions = try listed.decode(ItemsBody<ConsoleSessionBody>.self).items
                #expect(sessions.count == 1 && sessions[0].method == "code")
                #expect(!listed.text.contains(String(cookie.dropFirst("desk_session=".count))))
                let revoked = try await server.send(.tcp, .DELETE, "/v1/console/sessions/\(sessions[0].id)")
                #expect(revoked.status == 200, "\(revoked.text)")
                #expect(try await Self.send(client, server, .GET, "/v1/console/me", headers: proof).status == 401)
                #expect(try await server.send(.tcp, .DELETE, "/v1/console/sessions/\(sessions[0].id)").status == 404)
            }
        }
    }

    @Test func codesAreHandedOutOverTheUnixSocketOnlyAndNeverKept() async throws {
        try await TestServer.with { server in
            let overTCP = try await server.send(.tcp, .POST, "/v1/console/codes", body: "{}")
            #expect(overTCP.status == 403)
            // A replayable request would keep the code in the database: refused.
            let keyed = try await server.send(
                .unix, .POST, "/v1/console/codes", body: "{}", headers: [("Idempotency-Key", "k-1")])
            #expect(keyed.status == 400, "\(keyed.text)")
        }
    }

    @Test func aPastedTokenSignsIn() async throws {
        try await TestServer.with { server in
            try await Self.withClient { client in
                let viewer = try await server.access.tokens.create(
                    name: "wall", role: .viewer, responderID: nil, expiresAt: nil, by: .desk
                ).secret
                let signed = try await Self.send(
                    client, server, .POST, "/console/sign-in", body: #"{"token": "\#(viewer)"}"#)
                #expect(signed.status == 200, "\(signed.text)")
                let cookie = try Self.cookie(signed)
                let secret = try #require(try signed.decode(ConsoleMeBody.self).csrfToken)
                let me = try await Self.send(
                    client, server, .GET, "/v1/console/me", headers: [("Cookie", cookie), ("X-Desk-CSRF", secret)])
                #expect(try me.decode(ConsoleMeBody.self).role == "viewer")
                let bad = try await Self.send(
                    client, server, .POST, "/console/sign-in", body: #"{"token": "desk_00000000_nope"}"#)
                #expect(bad.status == 401)
                #expect(bad.headers.first(name: "Set-Cookie") == nil)
                let unknownMember = try await Self.send(
                    client, server, .POST, "/console/sign-in", body: #"{"token": "x", "role": "admin"}"#)
                #expect(unknownMember.status == 422 || unknownMember.status == 400, "\(unknownMember.text)")
            }
        }
    }

    @Test func thePageAndEveryAssetCarryAStrictContentSecurityPolicy() async throws {
        try await TestServer.with { server in
            try await Self.withClient { client in
                let page = try await Self.send(client, server, .GET, "/")
                #expect(page.status == 200)
                #expect(page.contentType == "text/html; charset=utf-8")
                let policy = try #require(page.headers.first(name: "Content-Security-Policy"))
                #expect(policy.contains("script-src 'self'") && policy.contains("style-src 'self'"))
                #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
                #expect(page.headers.first(name: "X-Content-Type-Options") == "nosniff")
                // No inline script or style in the page itself.
                #expect(!page.text.contains("<style") && !page.text.contains("style="))
                #expect(page.text.contains(#"<script type="module" src="/console/assets/app.js"></script>"#))
                for name in ConsoleAssets.files.keys where name != "index.html" {
                    let asset = try await Self.send(client, server, .GET, "/console/assets/\(name)")
                    #expect(asset.status == 200, "\(name)")
                    #expect(asset.headers.first(name: "Content-Security-Policy") == policy)
                }
                let missing = try await Self.send(client, server, .GET, "/console/assets/nope.js")
                #expect(missing.status == 404)
            }
        }
    }

    /// The embedded copy is the folder on disk: every file listed in Package.swift, byte for byte.
    @Test func theEmbeddedAssetsAreTheFilesOnDisk() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/DeskAPI/Console/Assets")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        #expect(Set(names) == Set(ConsoleAssets.files.keys))
        for name in names {
            let disk = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(Data(ConsoleAssets.files[name]?.bytes ?? []) == disk, "\(name)")
        }
    }

    @Test func theBoardShowsAResponderOnlyTheirAreas() async throws {
        try await TestServer.with { server in
            let responder = try await server.bredangResponderToken()
            for (area, text) in [("bredang", "Brand i trapphuset, pågår"), ("rinkeby", "Skottlossning på torget nu")] {
                let made = try await server.send(
                    .tcp, .POST, "/v1/reports", body: #"{"area": "\#(area)", "text": "\#(text)"}"#)
                #expect(made.status == 201)
            }
            let all = try await server.send(.tcp, .GET, "/v1/console/board").decode(ItemsBody<BoardItemBody>.self)
            #expect(Set(all.items.map(\.incident.area)) == ["bredang", "rinkeby"])
            let mine = try await server.send(
                .tcp, .GET, "/v1/console/board", headers: [("Authorization", "Bearer \(responder)")]
            ).decode(ItemsBody<BoardItemBody>.self)
            #expect(mine.items.map(\.incident.area) == ["bredang"])
        }
    }
}

/// A settable clock for the session tables.
private final class SettableClock: Sendable {
    private let value = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
