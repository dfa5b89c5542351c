import AsyncHTTPClient
import DeskAPI
import DeskAPIModels
import DeskCore
import Foundation
import Testing

/// Security review 2026-12-06, H1, L1, L4, M2, M3: a console session follows the credential it was
/// made from, and signing in is throttled like any other attempt — through real HTTP on loopback.
@Suite(.serialized) struct SessionCredentialTests {
    /// The default allowances, refilled so slowly that no machine's speed can change what a test sees.
    static let settings = APISettings(
        anonymousRateLimit: .init(perSecond: 0.0001, burst: APISettings.defaultAnonymousRateLimit.burst),
        signInRateLimit: .init(perSecond: 0.0001, burst: APISettings.defaultSignInRateLimit.burst))

    /// A browser signed in with a pasted token: its cookie and the header the page sends with it.
    struct Browser {
        var cookie: String
        var csrf: String

        var headers: [(String, String)] { [("Cookie", cookie), ("X-Desk-CSRF", csrf)] }
    }

    /// Signs in by pasting `token`, as the console's sign-in page does.
    static func signIn(_ client: HTTPClient, _ server: TestServer, token: String) async throws -> Browser {
        let signed = try await ConsoleTests.send(
            client, server, .POST, "/console/sign-in", body: #"{"token": "\#(token)"}"#)
        #expect(signed.status == 200, "\(signed.text)")
        let me = try signed.decode(ConsoleMeBody.self)
        return Browser(cookie: try ConsoleTests.cookie(signed), csrf: try #require(me.csrfToken))
    }

    static func token(
        _ server: TestServer, _ name: String, _ role: AccessRole, responder: String? = nil
    )
        async throws -> String
    {
        try await server.access.tokens.create(name: name, role: role, responderID: responder, expiresAt: nil, by: .desk)
            .secret
    }

    /// H1: the lost phone. Revoking the token a session was made from ends the session at once.
    @Test func revokingATokenEndsTheConsoleSessionMadeWithIt() async throws {
        try await TestServer.with { server in
            try await ConsoleTests.withClient { client in
                let secret = try await Self.token(server, "lost-phone", .viewer)
                let phone = try await Self.signIn(client, server, token: secret)
                let before = try await ConsoleTests.send(client, server, .GET, "/v1/incidents", headers: phone.headers)
                #expect(before.status == 200, "\(before.text)")

                let revoked = try await server.send(.unix, .DELETE, "/v1/tokens/lost-phone")
                #expect(revoked.status == 200, "\(revoked.text)")
                for path in ["/v1/incidents", "/v1/console/me"] {
                    let after = try await ConsoleTests.send(client, server, .GET, path, headers: phone.headers)
                    #expect(after.status == 401, "\(path): \(after.status) \(after.text)")
                }
                // Gone from the sessions an admin sees, too.
                let listed = try await server.send(.unix, .GET, "/v1/console/sessions")
                #expect(!listed.text.contains("token:lost-phone"), "\(listed.text)")
            }
        }
    }

    /// H1 and L4 (over the cookie path): deactivating the responder a token is bound to ends the
    /// console session made with that token, as it refuses the token.
    @Test func deactivatingTheRespondersTokenEndsTheirConsoleSession() async throws {
        try await TestServer.with { server in
            try await ConsoleTests.withClient { client in
                let secret = try await server.bredangResponderToken()
                let phone = try await Self.signIn(client, server, token: secret)
                let me = try await ConsoleTests.send(client, server, .GET, "/v1/console/me", headers: phone.headers)
                #expect(try me.decode(ConsoleMeBody.self).responder == "r-b")

                let patched = try await server.send(.unix, .PATCH, "/v1/responders/r-b", body: #"{"active": false}"#)
                #expect(patched.status == 200, "\(patched.text)")
                let refused = try await ConsoleTests.send(
                    client, server, .GET, "/v1/console/me", headers: phone.headers)
                #expect(refused.status == 401, "\(refused.status) \(refused.text)")
                #expect(refused.text.contains("deactivated"), "\(refused.text)")
                // Reactivated, the token works again; the ended session does not come back.
                _ = try await server.send(.unix, .PATCH, "/v1/responders/r-b", body: #"{"active": true}"#)
                let still = try await ConsoleTests.send(client, server, .GET, "/v1/console/me", headers: phone.headers)
                #expect(still.status == 401, "\(still.status) \(still.text)")
            }
        }
    }

    /// L1: wrong tokens at the sign-in page spend the address's allowance like any request
    /// without valid credentials: 20 answered 401, the rest 429 with Retry-After.
    @Test func wrongTokensAtSignInAreThrottled() async throws {
        try await TestServer.with(settings: Self.settings) { server in
            try await ConsoleTests.withClient { client in
                var statuses: [Int] = []
                for _ in 0..<60 {
                    let attempt = try await ConsoleTests.send(
                        client, server, .POST, "/console/sign-in", body: #"{"token": "desk_0000000a_nope"}"#)
                    statuses.append(attempt.status)
                    if attempt.status == 429 { #expect(attempt.headers.first(name: "Retry-After") != nil) }
                }
                #expect(statuses.prefix(20).allSatisfy { $0 == 401 }, "\(statuses)")
                #expect(statuses.dropFirst(20).allSatisfy { $0 == 429 }, "\(statuses)")
            }
        }
    }

    /// M3: one token signing in over and over is held back after a burst of 10, and signs nobody
    /// else out; the officer's session made before goes on working.
    @Test func oneTokenSigningInOverAndOverSignsNobodyElseOut() async throws {
        try await TestServer.with(settings: Self.settings) { server in
            try await ConsoleTests.withClient { client in
                let officer = try await Self.signIn(
                    client, server, token: try await Self.token(server, "desk", .officer))
                let viewer = try await Self.token(server, "wall", .viewer)
                var statuses: [Int] = []
                for _ in 0..<30 {
                    let attempt = try await ConsoleTests.send(
                        client, server, .POST, "/console/sign-in", body: #"{"token": "\#(viewer)"}"#)
                    statuses.append(attempt.status)
                }
                // The officer's sign-in counted against the same address: 9 more, then 429.
                #expect(statuses.prefix(9).allSatisfy { $0 == 200 }, "\(statuses)")
                #expect(statuses.dropFirst(9).allSatisfy { $0 == 429 }, "\(statuses)")
                let me = try await ConsoleTests.send(client, server, .GET, "/v1/console/me", headers: officer.headers)
                #expect(me.status == 200, "\(me.text)")
                #expect(try me.decode(ConsoleMeBody.self).role == "officer")
            }
        }
    }

    /// M2: an address that has spent its allowance still gets 401 (the console's sign-in form)
    /// from `GET /v1/console/me`, which is never charged.
    @Test func whoAmIIsNeverChargedOrThrottled() async throws {
        try await TestServer.with(settings: Self.settings) { server in
            try await ConsoleTests.withClient { client in
                // 30 anonymous "who am I" leave the allowance whole.
                for _ in 0..<30 {
                    let me = try await ConsoleTests.send(client, server, .GET, "/v1/console/me")
                    #expect(me.status == 401, "\(me.status) \(me.text)")
                }
                for _ in 0..<20 {
                    #expect(try await ConsoleTests.send(client, server, .GET, "/v1/incidents").status == 401)
                }
                #expect(try await ConsoleTests.send(client, server, .GET, "/v1/incidents").status == 429)
                // Spent: the console still learns it is not signed in, and shows its form.
                let me = try await ConsoleTests.send(client, server, .GET, "/v1/console/me")
                #expect(me.status == 401, "\(me.status) \(me.text)")
            }
        }
    }

    /// L1: once an address has spent its allowance, a token never checked before is not looked up
    /// (429); one checked before (remembered) still works.
    @Test func aBusyAddressCannotMakeTheDeskLookUpTokens() async throws {
        try await TestServer.with(settings: Self.settings) { server in
            try await ConsoleTests.withClient { client in
                let known = try await Self.token(server, "known", .viewer)
                let fresh = try await Self.token(server, "fresh", .viewer)
                let bearer = { (token: String) in [("Authorization", "Bearer \(token)")] }
                #expect(
                    try await ConsoleTests.send(client, server, .GET, "/v1/areas", headers: bearer(known)).status == 200
                )
                for _ in 0..<21 {
                    _ = try await ConsoleTests.send(
                        client, server, .GET, "/v1/areas", headers: bearer("desk_0000000a_nope"))
                }
                let unknown = try await ConsoleTests.send(client, server, .GET, "/v1/areas", headers: bearer(fresh))
                #expect(unknown.status == 429, "\(unknown.status) \(unknown.text)")
                let remembered = try await ConsoleTests.send(client, server, .GET, "/v1/areas", headers: bearer(known))
                #expect(remembered.status == 200, "\(remembered.status) \(remembered.text)")
            }
        }
    }
}
