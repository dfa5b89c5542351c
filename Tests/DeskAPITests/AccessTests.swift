import AsyncHTTPClient
import DeskAPI
import DeskAPIModels
import DeskCore
import DeskTestSupport
import Foundation
import GRDB
import NIOHTTP1
import Testing

@testable import DeskStorage

/// Every route for every role, over real sockets; tokens; local users mapped by peer credentials.
@Suite(.serialized) struct AccessTests {
    /// Who may call what: the table the API must keep (a changed rule fails here, on purpose).
    static let expected: [String: Set<AccessRole>] = {
        let readers: Set<AccessRole> = [.viewer, .responder, .officer, .admin]
        let officers: Set<AccessRole> = [.officer, .admin]
        let responders: Set<AccessRole> = [.responder, .officer, .admin]
        var table: [String: Set<AccessRole>] = [:]
        for route in [
            "GET /v1/openapi.yaml", "GET /readyz", "GET /metrics", "GET /v1/areas", "GET /v1/timeline",
            "GET /v1/incidents", "GET /v1/incidents/{id}", "GET /v1/incidents/{id}/timeline", "POST /v1/classify",
            "GET /v1/roster", "GET /v1/callouts", "GET /v1/followups", "GET /v1/stats/incidents",
            "GET /v1/stats/callouts", "GET /v1/stats/followups",
        ] { table[route] = readers }
        for route in [
            "POST /v1/reports", "POST /v1/incidents/{id}/notes", "POST /v1/incidents/{id}/phase",
            "POST /v1/incidents/{id}/confirm", "POST /v1/incidents/{id}/split", "POST /v1/incidents/{id}/close",
            "POST /v1/incidents/{id}/reopen", "GET /v1/roster/export", "GET /v1/responders", "POST /v1/overrides",
            "GET /v1/incidents/{id}/export", "GET /v1/verify",
        ] { table[route] = officers }
        table["GET /v1/timeline"] = [.viewer, .officer, .admin]
        // A scraper's or a load balancer's token reads these two and nothing else.
        for route in ["GET /readyz", "GET /metrics"] { table[route] = readers.union([.metrics]) }
        for route in ["POST /v1/console/codes", "GET /v1/console/me", "GET /v1/console/board", "GET /v1/events"] {
            table[route] = readers
        }
        for route in ["POST /v1/callouts/{id}/ack", "POST /v1/callouts/{id}/decline", "POST /v1/followups/{id}/done"] {
            table[route] = responders
        }
        return table
    }()

    /// Routes this test leaves to ConsoleTests (public console pages and the live event stream) and
    /// to SMSInboundTests (the inbound SMS endpoints, which authenticate the gateway, not a token).
    static let checkedElsewhere: Set<String> = [
        "GET /", "GET /console/assets/{file}", "GET /console/sign-in", "POST /console/sign-in",
        "POST /console/sign-out", "GET /v1/events", "POST /v1/sms/46elks", "POST /v1/sms/twilio",
    ]

    @Test func eachRoleIsAllowedAndDeniedOnEachEndpoint() async throws {
        // One anonymous request per route: more than the default allowance of requests without a token.
        let settings = APISettings(anonymousRateLimit: .init(perSecond: 0, burst: 1000))
        try await TestServer.with(settings: settings) { server in
            // A responder's token is made for a responder (their areas decide what they read).
            _ = try await server.desk.addResponder(
                Responder(id: "r-t", name: "T", contact: "+46 70 174 06 11", roles: [.firstAid], areas: ["bredang"]),
                actor: .system)
            var tokens: [AccessRole: String] = [:]
            for role in AccessRole.allCases {
                tokens[role] = try await server.access.tokens.create(
                    name: "t-\(role.rawValue)", role: role, responderID: role == .responder ? "r-t" : nil,
                    expiresAt: nil,
                    by: .desk
                ).secret
            }
            let routes = DeskHTTP.registeredRoutes(desk: server.desk, access: server.access)
            // Every route the tables name is registered (a removed or renamed route cannot linger
            // in them); the routes they do not name are checked as admin-only below.
            let registered = Set(routes.map { "\($0.method) \($0.path)" })
            #expect(Set(Self.expected.keys).union(Self.checkedElsewhere).subtracting(registered).isEmpty)
            #expect(registered.count == routes.count && registered.contains("GET /healthz"))
            var checked = 0
            for route in routes where route.path != "/healthz" {
                let key = "\(route.method) \(route.path)"
                // The console's public pages and the endless event stream: ConsoleTests.
                if Self.checkedElsewhere.contains(key) { continue }
                let allowed = Self.expected[key] ?? [.admin]
                let path = route.path.replacingOccurrences(of: "{id}", with: "0190f1d2-0000-7000-8000-00000000abcd")
                    .replacingOccurrences(of: "{name}", with: "no-such-token")
                let method = HTTPMethod(rawValue: route.method)
                let body: String? = ["POST", "PUT", "PATCH"].contains(route.method) ? "{}" : nil
                for role in AccessRole.allCases {
                    let response = try await server.send(
                        .tcp, method, path, body: body, headers: [("Authorization", "Bearer \(tokens[role] ?? "")")])
                    let unixOnly = ["POST /v1/tokens", "POST /v1/backups", "POST /v1/console/codes"].contains(key)
                    if allowed.contains(role) && !unixOnly {
                        #expect(
                            ![401, 403].contains(response.status), "\(role) \(key): \(response.status) \(response.text)"
                        )
                    } else {
                        #expect(response.status == 403, "\(role) \(key): \(response.status)")
                        #expect(try response.json()["type"] as? String == "urn:incident-desk:problem:forbidden")
                    }
                    checked += 1
                }
                // Without a token: 401 with a Bearer challenge.
                let anonymous = try await server.send(.tcp, method, path, body: body, headers: [("Authorization", "")])
                #expect(anonymous.status == 401, "anonymous \(key)")
                #expect(anonymous.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
            }
            #expect(checked == (routes.count - 1 - Self.checkedElsewhere.count) * AccessRole.allCases.count)
            // /healthz alone answers anyone.
            #expect(try await server.send(.tcp, .GET, "/healthz", headers: [("Authorization", "")]).status == 200)
        }
    }

    @Test func tokensAreHashedExpireAndCanBeRevoked() async throws {
        let clock = ManualClock()
        try await TestServer.with(clock: clock) { server in
            // Made over the Unix socket (root is an admin there); the secret is shown once.
            let made = try await server.send(
                .unix, .POST, "/v1/tokens", body: #"{"name": "dispatch-board", "role": "viewer"}"#)
            #expect(made.status == 201, "\(made.text)")
            let secret = try #require(try made.decode(TokenBody.self).secret)
            #expect(secret.hasPrefix("desk_"))
            let over = try await server.send(
                .tcp, .POST, "/v1/tokens", body: #"{"name": "other", "role": "viewer"}"#)
            #expect(over.status == 403)
            let listed = try await server.send(.unix, .GET, "/v1/tokens")
            #expect(!listed.text.contains(secret) && listed.text.contains("dispatch-board"))
            // Only a hash is in the database, and nothing of the secret is on the timeline.
            let stored = try server.column(String.self, "SELECT secret_hash || name || role FROM api_token")
            #expect(!stored.joined().contains(secret.dropFirst(14)))
            let events = try await server.send(.unix, .GET, "/v1/timeline?limit=500")
            #expect(events.text.contains("token.created") && !events.text.contains(secret.dropFirst(14)))

            let auth = [("Authorization", "Bearer \(secret)")]
            #expect(try await server.send(.tcp, .GET, "/v1/incidents", headers: auth).status == 200)
            // A wrong secret with a right id, and garbage: 401, and the answer never repeats them.
            let forged = String(secret.dropLast(4)) + "AAAA"
            let wrong = try await server.send(
                .tcp, .GET, "/v1/incidents", headers: [("Authorization", "Bearer \(forged)")])
            #expect(wrong.status == 401 && !wrong.text.contains(forged))
            #expect(
                try await server.send(.tcp, .GET, "/v1/incidents", headers: [("Authorization", "Basic abc")]).status
                    == 401)
            let revoked = try await server.send(.unix, .DELETE, "/v1/tokens/dispatch-board")
            #expect(revoked.status == 200)
            let after = try await server.send(.tcp, .GET, "/v1/incidents", headers: auth)
            #expect(after.status == 401 && after.text.contains("revoked"))

            let (_, short) = try await server.access.tokens.create(
                name: "short", role: .viewer, responderID: nil, expiresAt: clock.now().addingTimeInterval(1), by: .desk)
            #expect(
                try await server.send(.tcp, .GET, "/v1/areas", headers: [("Authorization", "Bearer \(short)")]).status
                    == 200)
            clock.advance(seconds: 1.2)
            let expired = try await server.send(
                .tcp, .GET, "/v1/areas", headers: [("Authorization", "Bearer \(short)")])
            #expect(expired.status == 401 && expired.text.contains("expired"))
        }
    }

    @Test(.enabled(if: getuid() == 0, "running a client as another uid needs root"))
    func localUsersGetTheRoleTheirUserOrGroupIsMappedTo() async throws {
        try await TestServer.with { server in
            // Let any local user reach the socket; the desk still decides by peer credentials.
            chmod(server.socketPath, 0o666)
            chmod((server.socketPath as NSString).deletingLastPathComponent, 0o755)
            // curl as nobody, waited for off the cooperative pool: the server answering it needs the pool.
            func asNobody(_ arguments: [String]) async throws -> (status: String, body: String) {
                let (_, output) = try await runToEnd(
                    "/usr/bin/setpriv",
                    [
                        "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/curl", "-s", "-m", "10",
                        "-w", "\n%{http_code}", "--unix-socket", server.socketPath,
                    ] + arguments)
                let lines = String(decoding: output, as: UTF8.self).split(
                    separator: "\n", omittingEmptySubsequences: false)
                return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
            }
            let refused = try await asNobody(["http://localhost/v1/incidents"])
            #expect(refused.status == "403")
            #expect(refused.body.contains("local user nobody (uid 65534) has no role on this desk"))
            server.access.replaceLocalMap(LocalAccessMap(users: ["root": .admin], groups: ["nogroup": .viewer]))
            #expect(try await asNobody(["http://localhost/v1/incidents"]).status == "200")
            let report = try await asNobody([
                "-H", "Content-Type: application/json", "-d", #"{"area": "bredang", "text": "Brand"}"#,
                "http://localhost/v1/reports",
            ])
            #expect(report.status == "403")
            #expect(
                report.body.contains("unix:nobody has the role viewer; POST /v1/reports needs one of: officer, admin"))
        }
    }

    @Test func respondersReadTheIncidentsAndRostersOfTheirOwnAreas() async throws {
        try await TestServer.with { server in
            _ = try await server.desk.addResponder(
                Responder(id: "r-bo", name: "Bo", contact: "+46 70 174 06 10", roles: [.firstAid], areas: ["bredang"]),
                actor: .system)
            let token = try await server.access.tokens.create(
                name: "bo-phone", role: .responder, responderID: "r-bo", expiresAt: nil, by: .desk
            ).secret
            let auth = [("Authorization", "Bearer \(token)")]
            let mine = try await server.send(
                .unix, .POST, "/v1/reports", body: #"{"area": "bredang", "text": "Brand i källaren"}"#)
            let other = try await server.send(
                .unix, .POST, "/v1/reports", body: #"{"area": "rinkeby", "text": "Brand i garaget"}"#)
            let mineID = try mine.decode(ReportCreatedBody.self).incident.id
            let otherID = try other.decode(ReportCreatedBody.self).incident.id
            let listed = try await server.send(.tcp, .GET, "/v1/incidents", headers: auth)
            #expect(try listed.decode(PageBody<IncidentBody>.self).items.map(\.id) == [mineID])
            #expect(try await server.send(.tcp, .GET, "/v1/incidents/\(mineID)", headers: auth).status == 200)
            #expect(try await server.send(.tcp, .GET, "/v1/incidents/\(otherID)", headers: auth).status == 404)
            #expect(try await server.send(.tcp, .GET, "/v1/incidents/\(otherID)/timeline", headers: auth).status == 404)
            let roster = try await server.send(.tcp, .GET, "/v1/roster", headers: auth)
            #expect(Set(try roster.decode(RosterSlotsBody.self).slots.map(\.area)) == ["bredang"])
            // An admin still sees both.
            #expect(
                try await server.send(.tcp, .GET, "/v1/incidents").decode(PageBody<IncidentBody>.self).items.count == 2)
        }
    }
}
