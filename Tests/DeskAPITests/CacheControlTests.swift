import DeskAPIModels
import Foundation
import Testing

/// Security review 2026-12-06, L7: no answer under `/v1` may be kept by a browser or a proxy cache,
/// whether it carries personal data, a problem or nothing.
@Suite struct CacheControlTests {
    @Test func everyV1AnswerSaysNoStoreIncludingProblems() async throws {
        try await TestServer.with { server in
            let made = try await server.send(
                .tcp, .POST, "/v1/reports", body: #"{"area": "bredang", "text": "Brand i trapphuset, pågår"}"#)
            #expect(made.status == 201)
            let incident = try made.decode(ReportCreatedBody.self).incident.id
            var answers: [(String, TestResponse)] = [("POST /v1/reports", made)]
            for path in [
                "/v1/incidents", "/v1/incidents/\(incident)", "/v1/incidents/\(incident)/timeline", "/v1/areas",
                "/v1/incidents/0000-nope", "/v1/no-such-thing", "/v1/incidents?limit=abc",
            ] {
                answers.append(("GET \(path)", try await server.send(.tcp, .GET, path)))
            }
            answers.append(("DELETE /v1/areas", try await server.send(.tcp, .DELETE, "/v1/areas")))
            answers.append(
                (
                    "GET /v1/incidents without a token",
                    try await server.send(.tcp, .GET, "/v1/incidents", headers: [("Authorization", "Bearer nope")])
                ))
            answers.append(("GET /v1/incidents on the socket", try await server.send(.unix, .GET, "/v1/incidents")))
            // Successes, problems (404, 400, 405, 401) and a replayable write: all of them.
            #expect(Set(answers.map(\.1.status)).isSuperset(of: [200, 201, 400, 401, 404, 405]))
            for (request, answer) in answers {
                #expect(answer.headers.first(name: "Cache-Control") == "no-store", "\(request) → \(answer.status)")
            }
        }
    }
}
