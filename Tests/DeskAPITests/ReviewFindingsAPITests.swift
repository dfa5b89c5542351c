import DeskAPI
import DeskAPIModels
import DeskCore
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// Issue 16, items 6 and 8: idempotency exemptions by route, not by spelling; verification for
/// officers and admins only.
@Suite struct ReviewFindingsAPITests {
    @Test func aTokenMadeUnderAnyPathSpellingIsNeverKeptForReplay() async throws {
        try await TestServer.with { server in
            for (index, path) in ["/v1/tokens", "/v1/tokens/", "/v1/tokens?x=1"].enumerated() {
                let made = try await server.send(
                    .unix, .POST, path, body: #"{"name": "board-\#(index)", "role": "viewer"}"#,
                    headers: [("Idempotency-Key", "token-key-\(index)")])
                #expect(made.status == 201, "\(path): \(made.status) \(made.text)")
                let secret = try #require(try made.decode(TokenBody.self).secret)
                let kept = try server.column(Data.self, "SELECT body FROM idempotent_response WHERE body IS NOT NULL")
                #expect(
                    !kept.contains { String(decoding: $0, as: UTF8.self).contains(secret.dropFirst(14)) },
                    "\(path): the secret is in the replay table")
                #expect(kept.isEmpty, "\(path): \(kept.count) answers kept")
            }
        }
    }

    @Test func aKeyOnAnUnknownRouteCostsNoWrite() async throws {
        try await TestServer.with { server in
            let before = server.database.writeQueueStats().committed
            for path in ["/v1/nothing-here", "/v1/incidents/x/y/z"] {
                let response = try await server.send(
                    .unix, .POST, path, body: "{}", headers: [("Idempotency-Key", "key-\(path.count)")])
                #expect(response.status == 404, "\(path): \(response.status)")
            }
            #expect(server.database.writeQueueStats().committed == before)
        }
    }

    @Test func verificationIsForOfficersAndAdmins() async throws {
        try await TestServer.with { server in
            _ = try await server.desk.addResponder(
                Responder(id: "r-v", name: "V", contact: "+46 70 174 06 12", roles: [.firstAid], areas: ["bredang"]),
                actor: .system)
            for role in AccessRole.allCases {
                let token = try await server.access.tokens.create(
                    name: "v-\(role.rawValue)", role: role, responderID: role == .responder ? "r-v" : nil,
                    expiresAt: nil, by: .desk
                ).secret
                let response = try await server.send(
                    .tcp, .GET, "/v1/verify", headers: [("Authorization", "Bearer \(token)")])
                let allowed = role == .officer || role == .admin
                #expect(response.status == (allowed ? 200 : 403), "\(role): \(response.status)")
            }
        }
    }

    /// Item 7: requests without valid credentials are limited per client address before
    /// authentication; a client with a token is not held back by them.
    @Test func anonymousRequestsAreThrottledPerAddress() async throws {
        // The default burst (20), refilled so slowly that no timing can matter here.
        #expect(APISettings.defaultAnonymousRateLimit.burst == 20)
        let settings = APISettings(anonymousRateLimit: .init(perSecond: 0.0001, burst: 20))
        try await TestServer.with(settings: settings) { server in
            // A token checked before the flood is remembered: it is let through without a lookup.
            #expect(try await server.send(.tcp, .GET, "/v1/incidents").status == 200)
            var statuses: [Int] = []
            for index in 0..<60 {
                let bogus = index % 2 == 0 ? "" : "Bearer desk_0000000a_nope"
                let response = try await server.send(
                    .tcp, .GET, "/v1/incidents", headers: [("Authorization", bogus)])
                statuses.append(response.status)
                if response.status == 429 {
                    #expect(response.headers.first(name: "Retry-After") != nil)
                    #expect(
                        try response.decode(ProblemDetails.self).type == "urn:incident-desk:problem:rate-limited")
                }
            }
            #expect(Set(statuses) == [401, 429], "\(statuses)")
            #expect(statuses.prefix(20).allSatisfy { $0 == 401 }, "\(statuses)")
            #expect(statuses.suffix(10).allSatisfy { $0 == 429 }, "\(statuses)")
            // A valid token from the same address still gets through, and the Unix socket is not throttled.
            #expect(try await server.send(.tcp, .GET, "/v1/incidents").status == 200)
            #expect(try await server.send(.unix, .GET, "/v1/incidents").status == 200)
        }
    }
}
