import AsyncHTTPClient
import DeskAPI
import DeskAPIModels
import DeskCore
import Foundation
import NIOHTTP1
import Testing

/// Issue 16, items 4, 5 and 9: who is called sees what they are called to (and no longer); a
/// deactivated responder loses access at once; refusals do not say whose a call-out is.
@Suite(.serialized) struct CallOutAccessTests {
    /// One first-aider on duty in Bredäng (`fa1`), one in neighbouring Sätra (`sfa1`), and the
    /// national duty officer `nat` (covering Rinkeby): a declined call-out walks fa1 → sfa1 → nat.
    static let policy = TriggerPolicy(
        rules: [.init(phase: .during, role: .firstAid, count: 1, ackWithin: 3600, followUps: [86_400])],
        nationalDutyOfficers: ["nat"])

    static let roster: Roster = {
        func person(_ id: String, _ roles: [DutyRole], _ area: String) -> Responder {
            Responder(id: id, name: id.uppercased(), contact: "+46 70 174 06 \(id.count)", roles: roles, areas: [area])
        }
        func rotation(_ id: String, _ area: String, _ people: [String]) -> Rotation {
            guard let handoff = LocalTime("08:00"), let starts = LocalDate("2026-01-01") else { fatalError("dates") }
            return Rotation(
                id: id, area: area, role: .firstAid, shiftDays: 1, handoff: handoff, starts: starts,
                participants: people)
        }
        return Roster(
            responders: [
                person("fa1", [.firstAid], "bredang"), person("sfa1", [.firstAid], "satra"),
                person("nat", [.coordinator], "rinkeby"),
            ],
            rotations: [rotation("bredang-fa", "bredang", ["fa1"]), rotation("satra-fa", "satra", ["sfa1"])])
    }()

    struct Setup {
        let server: TestServer
        let incident: String
        var tokens: [String: String] = [:]

        init(_ server: TestServer) async throws {
            self.server = server
            _ = try await server.desk.importRoster(Self.roster, actor: .system)
            for id in ["fa1", "sfa1", "nat"] {
                tokens[id] = try await server.access.tokens.create(
                    name: "\(id)-phone", role: .responder, responderID: id, expiresAt: nil, by: .desk
                ).secret
            }
            let report = try await server.send(
                .unix, .POST, "/v1/reports",
                body: #"{"area": "bredang", "text": "Brand i trapphuset, två skadade", "phase": "during"}"#)
            incident = try report.decode(ReportCreatedBody.self).incident.id
            try await server.desk.timers.runDueWork()
        }

        static var roster: Roster { CallOutAccessTests.roster }

        func get(_ path: String, as responder: String) async throws -> TestResponse {
            try await server.send(.tcp, .GET, path, headers: [("Authorization", "Bearer \(tokens[responder] ?? "")")])
        }

        func post(_ path: String, _ body: String, as responder: String) async throws -> TestResponse {
            try await server.send(
                .tcp, .POST, path, body: body, headers: [("Authorization", "Bearer \(tokens[responder] ?? "")")])
        }

        func callOuts(_ responder: String, mine: Bool = true) async throws -> [CallOutBody] {
            try await get("/v1/callouts\(mine ? "?mine=true" : "")", as: responder)
                .decode(ItemsBody<CallOutBody>.self).items
        }

        func incidents(_ responder: String) async throws -> [String] {
            try await get("/v1/incidents", as: responder).decode(PageBody<IncidentBody>.self).items.map(\.id)
        }

        /// What `responder` gets for the incident, its timeline, the list and their call-outs.
        func sees(_ responder: String) async throws -> (incident: Int, timeline: Int, listed: Bool, callOuts: Int) {
            (
                try await get("/v1/incidents/\(incident)", as: responder).status,
                try await get("/v1/incidents/\(incident)/timeline", as: responder).status,
                try await incidents(responder).contains(incident),
                try await callOuts(responder).filter { $0.incidentID == incident }.count
            )
        }
    }

    @Test func whoeverIsCalledSeesTheCallOutAndItsIncidentWhileItIsOpen() async throws {
        try await TestServer.with(policy: Self.policy) { server in
            let setup = try await Setup(server)
            let first = try #require(try await setup.callOuts("fa1").first)
            #expect(first.responder == "fa1" && first.area == "bredang")
            // Sätra's first-aider is not called yet: nothing of Bredäng's incident.
            #expect(try await setup.sees("sfa1") == (404, 404, false, 0))

            // fa1 declines: the neighbour is called, and sees the call-out and the incident.
            let declined = try await setup.post(
                "/v1/callouts/\(first.id)/decline", #"{"reason": "sjuk"}"#, as: "fa1")
            #expect(declined.status == 200, "\(declined.text)")
            #expect(try await setup.sees("sfa1") == (200, 200, true, 1))
            let theirs = try #require(try await setup.callOuts("sfa1").first)
            // All call-outs (not only mine) shows it too.
            #expect(try await setup.callOuts("sfa1", mine: false).map(\.id).contains(theirs.id))

            // sfa1 declines: the national duty officer is called and sees it; sfa1 no longer does.
            let again = try await setup.post(
                "/v1/callouts/\(theirs.id)/decline", #"{"reason": "på semester"}"#, as: "sfa1")
            #expect(again.status == 200, "\(again.text)")
            #expect(try await setup.sees("nat") == (200, 200, true, 1))
            #expect(try await setup.sees("sfa1") == (404, 404, false, 0))
            // fa1 covers Bredäng: still sees the incident (not the call-out, which is theirs no longer open).
            #expect(try await setup.get("/v1/incidents/\(setup.incident)", as: "fa1").status == 200)
        }
    }

    @Test func aDeactivatedResponderLosesAccessAndTheirCallOutsAtOnce() async throws {
        try await TestServer.with(policy: Self.policy) { server in
            let setup = try await Setup(server)
            let first = try #require(try await setup.callOuts("fa1").first)
            #expect(first.state == "pending")
            let patched = try await server.send(.unix, .PATCH, "/v1/responders/fa1", body: #"{"active": false}"#)
            #expect(patched.status == 200, "\(patched.text)")
            // The token bound to fa1 is refused at once.
            let refused = try await setup.get("/v1/incidents", as: "fa1")
            #expect(refused.status == 401, "\(refused.status) \(refused.text)")
            // Their open call-out went to the next in the chain at once, without waiting for its time.
            let all = try await server.send(.unix, .GET, "/v1/callouts").decode(ItemsBody<CallOutBody>.self).items
            #expect(all.first { $0.id == first.id }?.state == "escalated", "\(all.map { ($0.responder, $0.state) })")
            #expect(try await setup.callOuts("sfa1").map(\.state) == ["pending"])
            // And nobody calls them again: they are off the roster's duty answer.
            let slots = try await server.send(.unix, .GET, "/v1/roster?area=bredang&role=first_aid")
            #expect(try slots.decode(RosterSlotsBody.self).slots.first?.onDuty == nil)
            // Reactivated, the token works again.
            _ = try await server.send(.unix, .PATCH, "/v1/responders/fa1", body: #"{"active": true}"#)
            #expect(try await setup.get("/v1/incidents", as: "fa1").status == 200)
        }
    }

    @Test func aRefusalDoesNotSayWhoseTheCallOutOrFollowUpIs() async throws {
        try await TestServer.with(policy: Self.policy) { server in
            let setup = try await Setup(server)
            let first = try #require(try await setup.callOuts("fa1").first)
            let refused = try await setup.post("/v1/callouts/\(first.id)/ack", "{}", as: "nat")
            #expect(refused.status == 403)
            // Ids are random hex: "fa1" inside one says nothing about whose it is.
            let refusal = refused.text.replacingOccurrences(of: first.id, with: "")
            #expect(!refusal.contains("fa1") && refusal.contains("not yours"), "\(refused.text)")
            let followUps = try await server.send(.unix, .GET, "/v1/followups?incident=\(setup.incident)")
                .decode(ItemsBody<FollowUpBody>.self).items
            let followUp = try #require(followUps.first)
            #expect(followUp.owner == "fa1")
            let notTheirs = try await setup.post(
                "/v1/followups/\(followUp.id)/done", #"{"outcome": "ok"}"#, as: "nat")
            #expect(notTheirs.status == 403)
            let notTheirsText = notTheirs.text.replacingOccurrences(of: followUp.id, with: "")
                .replacingOccurrences(of: setup.incident, with: "")
            #expect(!notTheirsText.contains("fa1") && notTheirsText.contains("not yours"), "\(notTheirs.text)")
        }
    }
}
