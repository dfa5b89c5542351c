import AsyncHTTPClient
import DeskAPI
import DeskAPIModels
import DeskCore
import DeskTestSupport
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// Security review 2026-12-06, H1, M2, M3, L4, L6: sessions bounded by their token's expiry and
/// per principal, client addresses behind a trusted proxy, the `metrics` role.
@Suite(.serialized) struct SessionLimitsTests {
    typealias Browser = SessionCredentialTests.Browser

    /// H1: a session never outlives its token: its cookie's Max-Age and its end are the token's
    /// expiry, and once the token has expired the cookie is refused.
    @Test func aSessionNeverOutlivesItsTokensExpiry() async throws {
        let clock = ManualClock()
        try await TestServer.with(clock: clock) { server in
            try await ConsoleTests.withClient { client in
                let expiry = clock.now().addingTimeInterval(120).truncatedToMilliseconds
                let secret = try await server.access.tokens.create(
                    name: "brief", role: .viewer, responderID: nil, expiresAt: expiry, by: .desk
                ).secret
                let signed = try await ConsoleTests.send(
                    client, server, .POST, "/console/sign-in", body: #"{"token": "\#(secret)"}"#)
                #expect(signed.status == 200, "\(signed.text)")
                let setCookie = try #require(signed.headers.first(name: "Set-Cookie"))
                #expect(setCookie.contains("Max-Age=120;") || setCookie.contains("Max-Age=119;"), "\(setCookie)")
                let me = try signed.decode(ConsoleMeBody.self)
                let end = try #require(me.sessionExpiresAt)
                #expect(abs(end.timeIntervalSince(expiry)) < 0.001, "\(end) \(expiry)")
                let browser = Browser(cookie: try ConsoleTests.cookie(signed), csrf: try #require(me.csrfToken))
                #expect(
                    try await ConsoleTests.send(client, server, .GET, "/v1/incidents", headers: browser.headers).status
                        == 200)
                clock.advance(seconds: 121)
                let after = try await ConsoleTests.send(client, server, .GET, "/v1/incidents", headers: browser.headers)
                #expect(after.status == 401, "\(after.status) \(after.text)")
            }
        }
    }

    /// M2: behind a trusted proxy each client (its `X-Forwarded-For`) has its own allowance; from
    /// any other peer the header means nothing, and neither does `X-Forwarded-Proto`.
    @Test func behindATrustedProxyEachClientHasItsOwnAllowance() async throws {
        let limit = APISettings.RateLimit(perSecond: 0.0001, burst: 5)
        for trusted in [true, false] {
            let settings = APISettings(anonymousRateLimit: limit, trustedProxies: trusted ? ["127.0.0.1"] : [])
            try await TestServer.with(settings: settings) { server in
                try await ConsoleTests.withClient { client in
                    // Secure cookies only when a trusted proxy says the browser came over https.
                    let token = try await SessionCredentialTests.token(server, "wall", .viewer)
                    let signed = try await ConsoleTests.send(
                        client, server, .POST, "/console/sign-in", body: #"{"token": "\#(token)"}"#,
                        headers: [("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.20")])
                    let setCookie = try #require(signed.headers.first(name: "Set-Cookie"), "\(signed.text)")
                    #expect(setCookie.contains("Secure") == trusted, "\(setCookie)")

                    func anonymous(from address: String) async throws -> Int {
                        try await ConsoleTests.send(
                            client, server, .GET, "/v1/incidents",
                            headers: [("X-Forwarded-For", "198.51.100.7, \(address)")]
                        ).status
                    }
                    for _ in 0..<5 { #expect(try await anonymous(from: "203.0.113.5") == 401) }
                    #expect(try await anonymous(from: "203.0.113.5") == 429)
                    // Another client behind the same proxy: its own allowance only when the proxy is trusted
                    // (a client's own entry further left, 198.51.100.7, never counts).
                    let other = try await anonymous(from: "203.0.113.9")
                    #expect(other == (trusted ? 401 : 429), "trusted: \(trusted), \(other)")
                }
            }
        }
    }

    /// M3: each principal keeps at most `maxSessionsPerPrincipal`; a new one ends that principal's
    /// oldest and nobody else's; a full table refuses new sessions instead of signing anyone out.
    @Test func sessionsAreCappedPerPrincipalAndAFullTableSignsNobodyOut() async throws {
        let clock = ManualClock()
        let table = try SessionTable(maxSessions: 5, maxSessionsPerPrincipal: 2, now: { clock.now() })
        let sessions = table.sessions
        func principal(_ name: String) -> Principal {
            Principal(actor: Actor(rawValue: "token:\(name)"), role: .viewer)
        }
        func start(_ name: String) async throws -> String {
            try await sessions.start(
                for: principal(name), credential: .token(id: name, digest: name), method: "token"
            ).secret
        }
        let officer = try await start("officer")
        var viewer: [String] = []
        for _ in 0..<5 { viewer.append(try await start("viewer")) }
        #expect(try await sessions.session(secret: officer) != nil)
        var live: [Bool] = []
        for secret in viewer { live.append(try await sessions.session(secret: secret) != nil) }
        #expect(live == [false, false, false, true, true])
        _ = try await start("a")
        _ = try await start("b")
        // 5 open (officer, viewer ×2, a, b): the table is full; nobody is signed out for a sixth.
        await #expect(throws: DeskError.self) { try await start("c") }
        #expect(try await sessions.session(secret: officer) != nil)
        #expect(try await sessions.list().count == 5)
        // Expired sessions make room again.
        clock.advance(seconds: sessions.sessionLifetime + 61)
        #expect(try await start("c").isEmpty == false)
        #expect(try await sessions.list().count == 1)
    }

    /// L6: a `metrics` token reads `/metrics` and `/readyz` and nothing else, and cannot sign in to the console.
    @Test func aMetricsTokenReadsOnlyMetricsAndReadiness() async throws {
        try await TestServer.with { server in
            try await ConsoleTests.withClient { client in
                let made = try await server.send(
                    .unix, .POST, "/v1/tokens", body: #"{"name": "prom", "role": "metrics"}"#)
                #expect(made.status == 201, "\(made.text)")
                let secret = try #require(try made.json()["secret"] as? String)
                let bearer = [("Authorization", "Bearer \(secret)")]
                for path in ["/metrics", "/readyz"] {
                    let read = try await ConsoleTests.send(client, server, .GET, path, headers: bearer)
                    #expect(read.status == 200, "\(path): \(read.text)")
                }
                for path in ["/v1/incidents", "/v1/areas", "/v1/timeline", "/v1/events", "/v1/console/me"] {
                    let refused = try await ConsoleTests.send(client, server, .GET, path, headers: bearer)
                    #expect(refused.status == 403, "\(path): \(refused.status) \(refused.text)")
                }
                let signIn = try await ConsoleTests.send(
                    client, server, .POST, "/console/sign-in", body: #"{"token": "\#(secret)"}"#)
                #expect(signIn.status == 403, "\(signIn.text)")
                #expect(signIn.headers.first(name: "Set-Cookie") == nil)
            }
        }
    }

    /// L6: the migration that allows the role keeps every token of an older database.
    @Test func theMetricsRoleMigrationKeepsExistingTokens() throws {
        let directory = "/tmp/desk-migrate-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/deskd.sqlite"
        let old = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(old, upTo: "v10-indexes-for-timers-and-status")
        try old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_token (id, name, role, secret_hash, created_at, created_by, revoked_at)
                    VALUES ('0000abcd', 'wall', 'viewer', ?, '2026-12-01T10:00:00.000Z', 'unix:root', NULL)
                    """, arguments: [String(repeating: "a", count: 64)])
            #expect(throws: DatabaseError.self) {
                try db.execute(
                    sql: """
                        INSERT INTO api_token (id, name, role, secret_hash, created_at, created_by)
                        VALUES ('0000abce', 'prom', 'metrics', ?, '2026-12-01T10:00:00.000Z', 'unix:root')
                        """, arguments: [String(repeating: "b", count: 64)])
            }
        }
        try old.close()
        let database = try DeskDatabase(path: path)
        defer { try? database.close() }
        #expect(try database.appliedMigrations().contains("v11-metrics-role"))
        try database.pool.write { db in
            #expect(try String.fetchOne(db, sql: "SELECT role FROM api_token WHERE name = 'wall'") == "viewer")
            try db.execute(
                sql: """
                    INSERT INTO api_token (id, name, role, secret_hash, created_at, created_by)
                    VALUES ('0000abce', 'prom', 'metrics', ?, '2026-12-01T10:00:00.000Z', 'unix:root')
                    """, arguments: [String(repeating: "b", count: 64)])
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE api_token SET role = 'root' WHERE name = 'prom'")
            }
        }
    }

    /// H1 and L4, through the cookie: a local user's console session (a code from `deskctl
    /// console` over the Unix socket) follows their role in `[access]` at every request — a
    /// reload that lowers it lowers the session, one that removes it ends the session — and
    /// deactivating the responder their user is bound to refuses the session at once (403).
    /// Running a client as another uid needs root.
    @Test(.enabled(if: getuid() == 0, "running a client as another uid needs root"))
    func aLocalUsersConsoleSessionFollowsTheirRoleAndTheirResponder() async throws {
        try await TestServer.with(policy: CallOutAccessTests.policy) { server in
            try await ConsoleTests.withClient { client in
                _ = try await server.desk.importRoster(CallOutAccessTests.roster, actor: .system)
                chmod(server.socketPath, 0o666)
                chmod((server.socketPath as NSString).deletingLastPathComponent, 0o755)
                server.access.replaceLocalMap(LocalAccessMap(users: ["nobody": .officer]))
                let browser = try await Self.signInAsNobody(client, server)
                func me() async throws -> TestResponse {
                    try await ConsoleTests.send(client, server, .GET, "/v1/console/me", headers: browser.headers)
                }
                #expect(try await me().decode(ConsoleMeBody.self).role == "officer")

                // [access] reloaded with a lower role: the same session is a viewer's at once.
                server.access.replaceLocalMap(LocalAccessMap(users: ["nobody": .viewer]))
                #expect(try await me().decode(ConsoleMeBody.self).role == "viewer")
                let write = try await ConsoleTests.send(
                    client, server, .POST, "/v1/reports",
                    body: #"{"area": "bredang", "text": "Brand", "phase": "during"}"#,
                    headers: browser.headers)
                #expect(write.status == 403, "\(write.status) \(write.text)")

                // Bound to a responder who is then deactivated: refused at once, and the session ends.
                _ = try await server.send(.unix, .PATCH, "/v1/responders/fa1", body: #"{"unix_user": "nobody"}"#)
                #expect(try await me().status == 200)
                _ = try await server.send(.unix, .PATCH, "/v1/responders/fa1", body: #"{"active": false}"#)
                let refused = try await me()
                #expect(refused.status == 403, "\(refused.status) \(refused.text)")
                #expect(refused.text.contains("bound to responder fa1, who is deactivated"), "\(refused.text)")
                #expect(try await me().status == 401)

                // A fresh session, then [access] without nobody: no role, the session ends.
                _ = try await server.send(.unix, .PATCH, "/v1/responders/fa1", body: #"{"active": true}"#)
                let headers2 = try await Self.signInAsNobody(client, server).headers
                server.access.replaceLocalMap(LocalAccessMap())
                let noRole = try await ConsoleTests.send(client, server, .GET, "/v1/console/me", headers: headers2)
                #expect(noRole.status == 403, "\(noRole.status) \(noRole.text)")
                #expect(
                    try await ConsoleTests.send(client, server, .GET, "/v1/console/me", headers: headers2).status == 401
                )
            }
        }
    }

    /// Signs a browser in as the user nobody: their `deskctl console` code, POSTed as the page does.
    static func signInAsNobody(_ client: HTTPClient, _ server: TestServer) async throws -> Browser {
        let url = try await Self.codeAsNobody(server)
        let code = try #require(url.split(separator: "#code=").last.map(String.init))
        let signed = try await ConsoleTests.send(
            client, server, .POST, "/console/sign-in", body: #"{"code": "\#(code)"}"#)
        #expect(signed.status == 200, "\(signed.text)")
        return Browser(
            cookie: try ConsoleTests.cookie(signed),
            csrf: try #require(try signed.decode(ConsoleMeBody.self).csrfToken))
    }

    /// `deskctl console`'s request, made as the user nobody over the Unix socket: the sign-in URL.
    static func codeAsNobody(_ server: TestServer) async throws -> String {
        // Waited for off the cooperative pool: the server answering it needs the pool.
        let (_, data) = try await runToEnd(
            "/usr/bin/setpriv",
            [
                "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/curl", "-s", "-m", "10", "-X", "POST",
                "-H", "Content-Type: application/json", "-d", "{}", "--unix-socket", server.socketPath,
                "http://localhost/v1/console/codes",
            ])
        return try DeskAPIModelsDecoder.decode(ConsoleCodeBody.self, data).url
    }
}
