import DeskAPIModels
import DeskCore
import Foundation
import Testing

/// `POST /v1/classify`, classification on reports, confirmation and split, over both transports.
@Suite struct ClassificationAPITests {
    @Test(arguments: transports)
    func classifyIsADryRunWithSignals(transport: Transport) async throws {
        try await TestServer.with { server in
            let before = try server.database.rowCounts()
            let response = try await server.send(
                transport, .POST, "/v1/classify",
                body: #"{"text": "Det brinner i trapphuset just nu och röken sprider sig", "injured": 2}"#)
            #expect(response.status == 200, "\(response.text)")
            let result = try response.decode(Classification.self)
            #expect(result.phase == .during)
            #expect(result.category == .fire)
            #expect(result.severity == 4)
            #expect(result.language == "sv")
            #expect(result.signals.contains { $0.matched == "just nu" && $0.vote == "during" && $0.weight > 0 })
            #expect(result.signals.contains { $0.kind == "model" && $0.vote == "during" && $0.weight > 0.5 })
            #expect(result.signals.contains { $0.kind == "model-part" })
            #expect(result.signals.contains { $0.kind == "model-feature" && !$0.term.isEmpty })
            let json = try response.json()
            #expect(json["needs_review"] as? Bool == false)
            #expect(json["decided_by"] as? String == "text")
            let probabilities = try #require(json["probabilities"] as? [String: Double])
            #expect(Set(probabilities.keys) == ["before", "during", "after"])
            #expect(try server.database.rowCounts() == before)
        }
    }

    @Test(arguments: [
        #"{"text": "🔥🔥 brand 🚒"}"#, #"{"text": "حريق \u202e skott"}"#, #"{"text": "\u0000\u0007 brand"}"#,
        #"{"text": "\ud83d\udd25 eld"}"#, #"{"text": "x", "lang": "en", "ongoing": false}"#,
    ])
    func anyUnicodeGetsAnAnswerNotACrash(body: String) async throws {
        try await TestServer.with { server in
            let response = try await server.send(.tcp, .POST, "/v1/classify", body: body)
            #expect(response.status == 200 || response.status == 422, "\(response.text)")
            if response.status == 200 { #expect((1...5).contains(try response.decode(Classification.self).severity)) }
        }
    }

    @Test func aLoneSurrogateEscapeIsAClearError() async throws {
        try await TestServer.with { server in
            let response = try await server.send(.tcp, .POST, "/v1/classify", body: #"{"text": "\ud800 brand"}"#)
            #expect([400, 422].contains(response.status), "\(response.text)")
            #expect(response.contentType == "application/problem+json")
        }
    }

    /// A report in Somali: the API names its language on the report and the incident, and while
    /// it waits for review, whom it needs; the review list shows it too.
    @Test(arguments: transports)
    func aReportInAnotherLanguageIsNamedWithWhoMustReadIt(transport: Transport) async throws {
        try await TestServer.with { server in
            let response = try await server.send(
                transport, .POST, "/v1/reports",
                body: #"{"area": "rinkeby", "text": "Dab ayaa ka kacay guriga Tensta"}"#)
            #expect(response.status == 201, "\(response.text)")
            let created = try response.decode(ReportCreatedBody.self)
            #expect(created.incident.language == "so")
            #expect(created.incident.needsReview)
            #expect(created.incident.reviewReason == "needs someone who reads Somali")
            #expect(created.report.language == "so")
            let shown = try await server.send(transport, .GET, "/v1/incidents/\(created.incident.id)")
            let json = try shown.json()
            #expect(json["language"] as? String == "so")
            #expect(json["review_reason"] as? String == "needs someone who reads Somali")
            let reports = try #require(json["reports"] as? [[String: Any]])
            #expect(reports.first?["language"] as? String == "so")
            let classification = try #require(reports.first?["classification"] as? [String: Any])
            #expect(classification["language"] as? String == "so")
            let listed = try await server.send(transport, .GET, "/v1/incidents?needs_review=true")
            let page = try listed.decode(PageBody<IncidentBody>.self)
            #expect(page.items.contains { $0.id == created.incident.id && $0.language == "so" })
        }
    }

    /// `?language=`: every incident with a report in that language, whatever language set its
    /// phase; `prs` finds Dari (named `fa`); an unknown code is a 400 problem and changes nothing.
    @Test(arguments: transports)
    func incidentsAreListedByTheLanguagesOfTheirReports(transport: Transport) async throws {
        try await TestServer.with(correlation: CorrelationPolicy(window: 3600)) { server in
            func report(_ area: String, _ text: String) async throws -> ReportCreatedBody {
                let body = try JSONSerialization.data(withJSONObject: ["area": area, "text": text])
                let response = try await server.send(
                    transport, .POST, "/v1/reports", body: String(decoding: body, as: UTF8.self))
                #expect(response.status == 201, "\(response.text)")
                return try response.decode(ReportCreatedBody.self)
            }
            func listed(_ query: String) async throws -> [String] {
                let response = try await server.send(transport, .GET, "/v1/incidents?\(query)")
                #expect(response.status == 200, "\(response.text)")
                return try response.decode(PageBody<IncidentBody>.self).items.map(\.id)
            }
            let swedish = try await report(
                "rinkeby", "Brand i trapphuset på Rinkebystråket 12, mycket rök och folk sitter fast")
            let somali = try await report(
                "rinkeby",
                "Dab ayaa ka kacay trapphuset Rinkebystråket 12, dad badan ayaa ku xayiran, qiiq badan ayaa jira")
            #expect(somali.incident.id == swedish.incident.id)
            #expect(somali.incident.languages == ["so", "sv"])
            let dari = try await report("bredang", "دیروز در بردانگ آتش سوزی شد، بچه ها هنوز می ترسند و شب خواب ندارند")
            #expect(dari.report.language == "fa")

            #expect(try await listed("language=so") == [swedish.incident.id])
            #expect(try await listed("language=sv") == [swedish.incident.id])
            #expect(try await listed("language=prs") == [dari.incident.id])
            #expect(try await listed("language=fa&area=bredang") == [dari.incident.id])
            #expect(try await listed("language=ti").isEmpty)
            let shown = try await server.send(transport, .GET, "/v1/incidents/\(swedish.incident.id)").json()
            #expect(shown["languages"] as? [String] == ["so", "sv"])

            let before = try server.database.rowCounts()
            let refused = try await server.send(transport, .GET, "/v1/incidents?language=xx")
            #expect(refused.status == 400, "\(refused.text)")
            #expect(refused.contentType == "application/problem+json")
            let detail = try refused.json()["detail"] as? String ?? ""
            #expect(detail.hasPrefix("language: must be an ISO 639 code") && detail.contains("\"xx\""), "\(detail)")
            #expect(try server.database.rowCounts() == before)
        }
    }

    @Test(arguments: transports)
    func reportsCarryTheirClassificationAndLowConfidenceNeedsReview(transport: Transport) async throws {
        try await TestServer.with { server in
            let vague = try await server.send(
                transport, .POST, "/v1/reports", body: #"{"area": "rinkeby", "text": "Brand"}"#)
            let created = try vague.decode(ReportCreatedBody.self)
            #expect(created.incident.needsReview)
            let review = try await server.send(transport, .GET, "/v1/incidents?needs_review=true")
            #expect(try review.decode(PageBody<IncidentBody>.self).items.map(\.id) == [created.incident.id])
            #expect((try created.report.classification?.value)?.needsReview == true)
            let opened = try #require(created.timeline.first { $0.kind == "incident.opened" })
            #expect(opened.data["needs_review"] == .bool(true))
            #expect(opened.data["classification"]?["phase"] == .string(created.incident.phase))

            let confirm = try await server.send(
                transport, .POST, "/v1/incidents/\(created.incident.id)/confirm",
                body: #"{"phase": "during", "note": "Ringde upp, det brinner"}"#)
            #expect(confirm.status == 200, "\(confirm.text)")
            let change = try confirm.decode(IncidentChangeBody.self)
            #expect(!change.incident.needsReview)
            #expect(change.incident.phase == "during")
            #expect(change.events.map(\.kind) == ["incident.classification_confirmed"])

            let badPhase = try await server.send(
                transport, .POST, "/v1/incidents/\(created.incident.id)/confirm", body: #"{"phase": "soon"}"#)
            #expect(badPhase.status == 422)

            let waiting = try await server.send(transport, .GET, "/v1/incidents?needs_review=true")
            #expect(try waiting.decode(PageBody<IncidentBody>.self).items.isEmpty)
            let done = try await server.send(transport, .GET, "/v1/incidents?needs_review=false")
            #expect(try done.decode(PageBody<IncidentBody>.self).items.map(\.id) == [created.incident.id])

            let detail = try await server.send(transport, .GET, "/v1/incidents/\(created.incident.id)")
            let incident = try detail.decode(IncidentBody.self)
            #expect((try incident.reports?.first?.classification?.value)?.category == .fire)
            #expect(!incident.needsReview)
        }
    }

    @Test(arguments: transports)
    func joinedReportsSplitApartOverTheAPI(transport: Transport) async throws {
        try await TestServer.with(correlation: CorrelationPolicy(window: 3600)) { server in
            let first = try await server.send(
                transport, .POST, "/v1/reports",
                body: #"{"area": "bredang", "text": "Det brinner i en lägenhet på Ålgrytevägen just nu"}"#
            ).decode(ReportCreatedBody.self)
            let second = try await server.send(
                transport, .POST, "/v1/reports",
                body: #"{"area": "bredang", "text": "Brand i en container vid skolan, rök över gården"}"#
            ).decode(ReportCreatedBody.self)
            #expect(second.incident.id == first.incident.id)
            // The receipt carries the events this report caused: received, then joined.
            #expect(second.timeline.map(\.kind) == ["report.received", "incident.report_joined"])
            #expect(second.timeline.allSatisfy { $0.data["report_id"]?.stringValue == second.report.id })

            let missingReason = try await server.send(
                transport, .POST, "/v1/incidents/\(first.incident.id)/split",
                body: #"{"report_id": "\#(second.report.id)", "reason": " "}"#)
            #expect(missingReason.status == 422)
            let only = try await server.send(
                transport, .POST, "/v1/incidents/\(first.incident.id)/split",
                body: #"{"report_id": "01a1ee56-5e00-7200-bcce-d8aca0fcce52", "reason": "x"}"#)
            #expect(only.status == 422)
            #expect(try only.decode(ProblemDetails.self).errors?.first?.pointer == "/report_id")

            let split = try await server.send(
                transport, .POST, "/v1/incidents/\(first.incident.id)/split",
                body: #"{"report_id": "\#(second.report.id)", "reason": "Två olika bränder"}"#)
            #expect(split.status == 201, "\(split.text)")
            let body = try split.decode(SplitBody.self)
            #expect(body.incident.reportCount == 1)
            #expect(body.newIncident.reportCount == 1)
            #expect(body.events.map(\.kind) == ["incident.split", "incident.opened"])

            let again = try await server.send(
                transport, .POST, "/v1/incidents/\(body.newIncident.id)/split",
                body: #"{"report_id": "\#(second.report.id)", "reason": "x"}"#)
            #expect(again.status == 409)
            #expect(try again.decode(ProblemDetails.self).type == "urn:incident-desk:problem:only-report")
        }
    }
}
