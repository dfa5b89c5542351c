import DeskAPI
import DeskAPIModels
import DeskCore
import DeskTestSupport
import Foundation
import Testing

/// `GET /v1/stats/…` over real sockets: a history written through the API with a hand-moved clock,
/// counted by the database; a responder's areas only; CSV when asked; problem+json for a bad
/// breakdown or period.
@Suite(.serialized) struct StatsAPITests {
    /// Wednesday 2026-11-11 12:00 UTC, in ISO week 2026-W46 (Stockholm).
    static let start = Timestamp.parse("2026-11-11T12:00:00.000Z") ?? Date()

    /// Bredäng's first-aider fa1 answers within the hour; Rinkeby has nobody.
    static let policy = TriggerPolicy(rules: [.init(phase: .during, role: .firstAid, count: 1, ackWithin: 3600)])

    /// W46: two `during` in Bredäng (answered after 120 and 300 s) and one `before` in Rinkeby;
    /// W47: one `during` in Bredäng (answered after 60 s). The clock ends in W47.
    static func history(_ server: TestServer, _ clock: ManualClock) async throws -> String {
        _ = try await server.desk.importRoster(CallOutAccessTests.roster, actor: .system)
        let fa1 = try await server.access.tokens.create(
            name: "fa1-phone", role: .responder, responderID: "fa1", expiresAt: nil, by: .desk
        ).secret
        func report(_ area: String, _ text: String, _ phase: String) async throws {
            let response = try await server.send(
                .unix, .POST, "/v1/reports", body: #"{"area": "\#(area)", "text": "\#(text)", "phase": "\#(phase)"}"#)
            #expect(response.status == 201, "\(response.text)")
            try await server.desk.timers.runDueWork()
        }
        func answer(after seconds: Double) async throws {
            clock.advance(seconds: seconds)
            let mine = try await server.send(
                .tcp, .GET, "/v1/callouts?mine=true", headers: [("Authorization", "Bearer \(fa1)")]
            ).decode(ItemsBody<CallOutBody>.self).items.filter { $0.state == "pending" || $0.state == "notified" }
            #expect(mine.count == 1)
            let ack = try await server.send(
                .tcp, .POST, "/v1/callouts/\(mine[0].id)/ack", body: "{}", headers: [("Authorization", "Bearer \(fa1)")]
            )
            #expect(ack.status == 200, "\(ack.text)")
        }
        try await report("bredang", "Skottlossning på torget, en skadad", "during")
        try await answer(after: 120)
        clock.advance(seconds: 3600)
        try await report("bredang", "Bråk vid centrum, en knivskuren", "during")
        try await answer(after: 300)
        try await report("rinkeby", "Rykten om hämnd efter helgen", "before")
        clock.advance(seconds: 7 * 86_400)
        try await report("bredang", "Brand i trapphuset, rök överallt", "during")
        try await answer(after: 60)
        return fa1
    }

    @Test func figuresPerWeekAreaAndPhaseAndAResponderSeesTheirAreas() async throws {
        let clock = ManualClock(Self.start)
        try await TestServer.with(policy: Self.policy, clock: clock) { server in
            let fa1 = try await Self.history(server, clock)
            let incidents = try await server.send(.unix, .GET, "/v1/stats/incidents?by=week,area,phase&since=2w")
            #expect(incidents.status == 200 && incidents.contentType == "application/json")
            let body = try incidents.decode(StatsBody<IncidentStatsItem>.self)
            #expect(body.weeks.map(\.week) == ["2026-W46", "2026-W47"])
            #expect(body.by == ["week", "area", "phase"] && body.since == "2w" && body.timeZone == "Europe/Stockholm")
            #expect(
                body.items.map { "\($0.week ?? "") \($0.area ?? "") \($0.phase ?? "") \($0.incidents)" } == [
                    "2026-W46 bredang during 2", "2026-W46 rinkeby before 1", "2026-W47 bredang during 1",
                    "2026-W47 rinkeby before 0",
                ])
            // Answer times: W46 120 and 300 s, W47 60 s.
            let callOuts = try await server.send(.unix, .GET, "/v1/stats/callouts?since=2w")
                .decode(StatsBody<CallOutStatsItem>.self)
            #expect(callOuts.items.map(\.callouts) == [2, 1])
            #expect(callOuts.items.map(\.answerMedianSeconds) == [210, 60])
            #expect(callOuts.items.map(\.answerP90Seconds) == [282, 60])
            #expect(callOuts.items.map(\.escalatedShare) == [0, 0])
            // fa1 covers Bredäng: Rinkeby's incident is not theirs to count.
            let theirs = try await server.send(
                .tcp, .GET, "/v1/stats/incidents?by=area&since=2w", headers: [("Authorization", "Bearer \(fa1)")]
            ).decode(StatsBody<IncidentStatsItem>.self)
            #expect(theirs.items.map { "\($0.area ?? "") \($0.incidents)" } == ["bredang 3"])
            let everyone = try await server.send(.unix, .GET, "/v1/stats/incidents?by=area&since=2w")
                .decode(StatsBody<IncidentStatsItem>.self)
            #expect(everyone.items.map { "\($0.area ?? "") \($0.incidents)" } == ["bredang 3", "rinkeby 1"])
            // Follow-ups: none scheduled by this policy; the weeks are there with zeros.
            let followUps = try await server.send(.unix, .GET, "/v1/stats/followups?since=14d")
                .decode(StatsBody<FollowUpStatsItem>.self)
            #expect(followUps.items.map(\.due) == followUps.weeks.map { _ in 0 } && followUps.weeks.count >= 2)
        }
    }

    @Test func csvWhenAskedByHeaderOrParameter() async throws {
        let clock = ManualClock(Self.start)
        try await TestServer.with(policy: Self.policy, clock: clock) { server in
            _ = try await Self.history(server, clock)
            let byHeader = try await server.send(
                .unix, .GET, "/v1/stats/callouts?by=week,area&since=2w", headers: [("Accept", "text/csv, */*")])
            #expect(byHeader.status == 200)
            #expect(byHeader.contentType?.hasPrefix("text/csv") == true)
            #expect(
                byHeader.headers.first(name: "Content-Disposition")?.contains("desk-callouts-week-area-2w.csv") == true)
            #expect(
                byHeader.text
                    == "week,area,callouts,acknowledged,declined,escalated,expired,waiting,escalated_share,"
                    + "answer_median_seconds,answer_p90_seconds\r\n"
                    + "2026-W46,bredang,2,2,0,0,0,0,0,210,282\r\n" + "2026-W47,bredang,1,1,0,0,0,0,0,60,60\r\n")
            let byParameter = try await server.send(.unix, .GET, "/v1/stats/incidents?by=phase&since=2w&format=csv")
            #expect(byParameter.text == "phase,incidents,unstaffed\r\nbefore,1,0\r\nduring,3,0\r\n")
            // JSON first in Accept: JSON.
            let json = try await server.send(
                .unix, .GET, "/v1/stats/incidents", headers: [("Accept", "application/json, text/csv")])
            #expect(json.contentType == "application/json")
        }
    }

    @Test(arguments: [
        ("by=week,month", "by"), ("by=area,area", "by"), ("since=90", "since"), ("since=0w", "since"),
        ("since=800d", "since"), ("since=-3w", "since"), ("format=xml", "format"), ("limit=5", "limit"),
    ])
    func badParametersAreProblems(query: String, parameter: String) async throws {
        try await TestServer.with { server in
            let response = try await server.send(.unix, .GET, "/v1/stats/incidents?\(query)")
            #expect(response.status == 400)
            #expect(response.contentType == "application/problem+json")
            let problem = try response.json()
            #expect((problem["type"] as? String)?.hasSuffix("invalid-parameter") == true)
            #expect((problem["detail"] as? String)?.contains(parameter) == true, "\(problem)")
        }
    }
}
