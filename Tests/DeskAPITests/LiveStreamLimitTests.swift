import Foundation
import Testing

/// Security review 2026-12-06, M5: live event streams are capped per principal, so one viewer
/// cannot take them from everyone.
@Suite struct LiveStreamLimitTests {
    /// One principal holds at most four streams; a fifth is refused while others still get theirs.
    @Test func aPrincipalsFifthStreamIsRefusedWhileAnotherPrincipalStillGetsOne() async throws {
        try await TestServer.with { server in
            var tokens: [String] = []
            for name in ["stream-a", "stream-b"] {
                tokens.append(
                    try await server.access.tokens.create(
                        name: name, role: .viewer, responderID: nil, expiresAt: nil, by: .desk
                    ).secret)
            }
            var held: [PeerSocket] = []
            for _ in 0..<4 {
                let connection = try PeerSocket(tcpPort: server.tcpPort)
                let head = try await connection.get("/v1/events", headers: ["Authorization: Bearer \(tokens[0])"])
                #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
                held.append(connection)
            }
            let fifth = try await PeerSocket(tcpPort: server.tcpPort).get(
                "/v1/events", headers: ["Authorization: Bearer \(tokens[0])"])
            #expect(fifth.hasPrefix("HTTP/1.1 429"), "\(fifth)")
            #expect(fifth.contains("urn:incident-desk:problem:too-many-streams"), "\(fifth)")
            #expect(fifth.contains("token:stream-a already has 4 live event streams open"), "\(fifth)")
            #expect(fifth.lowercased().contains("retry-after:"))
            let other = try PeerSocket(tcpPort: server.tcpPort)
            #expect(
                try await other.get("/v1/events", headers: ["Authorization: Bearer \(tokens[1])"]).hasPrefix(
                    "HTTP/1.1 200"))
            #expect(server.events.subscriberCount == 5 && held.count == 4)
        }
    }
}
