import DeskAPIModels
import DeskCore
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The login name of the user running the tests, as the Unix socket will see it.
func currentUserName() -> String {
    guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "uid-\(getuid())" }
    return String(cString: name)
}

@Suite struct EndpointTests {
    static let fireReport = #"""
        {"area": "Bredäng", "text": "Brand i trapphuset på Ålgrytevägen, pågår just nu", "title": "Brand i trapphus",
         "occurred_at": "2026-11-22T14:05:00+01:00", "location": "Ålgrytevägen 12",
         "reporter": {"name": "Samira", "contact": "070-000 00 00"}, "injured": 1, "ongoing": true,
         "category": "fire", "phase": "during"}
        """#

    @Test(arguments: transports)
    func aReportOpensAnIncidentAndAnswers201WithTheTimeline(transport: Transport) async throws {
        try await TestServer.with { server in
            let response = try await server.send(transport, .POST, "/v1/reports", body: Self.fireReport)
            #expect(response.status == 201, "\(response.text)")
            #expect(response.contentType == "application/json")
            let created = try response.decode(ReportCreatedBody.self)
            #expect(response.headers.first(name: "Location") == "/v1/incidents/\(created.incident.id)")
            #expect(created.incident.area == "bredang")
            #expect(created.incident.phase == "during")
            #expect(created.incident.status == "open")
            #expect(created.incident.title == "Brand i trapphus")
            #expect(created.report.occurredAt == RFC3339.parse("2026-11-22T13:05:00Z"))
            #expect(created.report.reporter == ReporterBody(name: "Samira", contact: "070-000 00 00"))
            #expect(created.report.transport == transport.rawValue)
            // The principal: the local user on the socket, the bearer token's name over TCP.
            let actor = transport == .unix ? "unix:\(currentUserName())" : "token:test-admin"
            #expect(created.report.actor == actor)
            #expect(created.timeline.map(\.kind) == ["report.received", "incident.opened"])
            #expect(created.timeline.allSatisfy { $0.actor == actor && $0.incidentID == created.incident.id })
        }
    }

    @Test(arguments: transports)
    func withoutACueTheIncidentGetsAGuessThatNeedsReview(transport: Transport) async throws {
        try await TestServer.with { server in
            let response = try await server.send(
                transport, .POST, "/v1/reports", body: #"{"area":"rinkeby","text":"Oklart läge"}"#)
            #expect(response.status == 201)
            let incident = try response.decode(ReportCreatedBody.self).incident
            #expect(incident.phase != "unclassified")
            #expect(incident.needsReview)
            let wordless = try await server.send(
                transport, .POST, "/v1/reports", body: #"{"area":"bredang","text":"🔥🔥 !!"}"#)
            #expect(wordless.status == 201)
            #expect(try wordless.decode(ReportCreatedBody.self).incident.phase == "unclassified")
        }
    }

    @Test(arguments: transports)
    func incidentsListWithFiltersAndCursorPaging(transport: Transport) async throws {
        try await TestServer.with { server in
            var ids: [String] = []
            for (area, phase) in [
                ("bredang", "during"), ("rinkeby", "after"), ("bredang", "before"), ("satra", "during"),
                ("bredang", "during"),
            ] {
                let response = try await server.send(
                    transport, .POST, "/v1/reports", body: #"{"area":"\#(area)","text":"Händelse","phase":"\#(phase)"}"#
                )
                ids.append(try response.decode(ReportCreatedBody.self).incident.id)
            }
            var seen: [String] = []
            var path = "/v1/incidents?limit=2"
            for _ in 0..<10 {
                let response = try await server.send(transport, .GET, path)
                #expect(response.status == 200)
                #expect(try response.json().keys.contains("next_cursor"))
                let page = try response.decode(PageBody<IncidentBody>.self)
                #expect(page.items.count <= 2)
                seen += page.items.map(\.id)
                guard let next = page.nextCursor else { break }
                path = "/v1/incidents?limit=2&cursor=\(next)"
            }
            #expect(seen == ids.reversed())
            let bredang = try await server.send(transport, .GET, "/v1/incidents?area=bredang&phase=during").decode(
                PageBody<IncidentBody>.self)
            #expect(bredang.items.map(\.id) == [ids[4], ids[0]])
            #expect(bredang.nextCursor == nil)
            let closed = try await server.send(transport, .GET, "/v1/incidents?status=closed").decode(
                PageBody<IncidentBody>.self)
            #expect(closed.items.isEmpty)
            let future = try await server.send(transport, .GET, "/v1/incidents?since=2099-01-01T00:00:00Z").decode(
                PageBody<IncidentBody>.self)
            #expect(future.items.isEmpty)
        }
    }

    @Test(arguments: transports)
    func anIncidentMovesThroughItsLifeAndTheTimelineShowsEveryStep(transport: Transport) async throws {
        try await TestServer.with { server in
            let created = try await server.send(transport, .POST, "/v1/reports", body: Self.fireReport).decode(
                ReportCreatedBody.self)
            let base = "/v1/incidents/\(created.incident.id)"
            let note = try await server.send(
                transport, .POST, base + "/notes", body: #"{"text":"Räddningstjänsten på plats"}"#)
            #expect(note.status == 201)
            let phase = try await server.send(
                transport, .POST, base + "/phase", body: #"{"phase":"after","reason":"Branden släckt"}"#)
            #expect(phase.status == 200)
            #expect(try phase.decode(IncidentChangeBody.self).incident.phase == "after")
            let close = try await server.send(
                transport, .POST, base + "/close", body: #"{"outcome":"Överlämnat till kommunen"}"#)
            #expect(close.status == 200)
            let closedBody = try close.decode(IncidentChangeBody.self)
            #expect(closedBody.incident.status == "closed")
            #expect(closedBody.incident.outcome == "Överlämnat till kommunen")
            let reopen = try await server.send(
                transport, .POST, base + "/reopen", body: #"{"reason":"Ny brand i samma hus"}"#)
            #expect(reopen.status == 200)
            #expect(try reopen.decode(IncidentChangeBody.self).incident.status == "open")

            let detail = try await server.send(transport, .GET, base)
            #expect(detail.status == 200)
            let incident = try detail.decode(IncidentBody.self)
            #expect(incident.reports?.map(\.id) == [created.report.id])
            #expect(incident.phase == "after")

            let timeline = try await server.send(transport, .GET, base + "/timeline").decode(PageBody<EventBody>.self)
            #expect(
                timeline.items.map(\.kind) == [
                    "report.received", "incident.opened", "note.added", "incident.phase_changed", "incident.closed",
                    "incident.reopened",
                ]
            )
            #expect(timeline.items[3].data["from"] == .string("during"))
            #expect(timeline.items[3].data["reason"] == .string("Branden släckt"))
            #expect(timeline.items.map(\.seq) == timeline.items.map(\.seq).sorted())
            let paged = try await server.send(transport, .GET, base + "/timeline?limit=4").decode(
                PageBody<EventBody>.self)
            #expect(paged.items.count == 4)
            #expect(paged.nextCursor != nil)
        }
    }

    @Test(arguments: transports)
    func areasTimelineHealthAndTheAPIDocument(transport: Transport) async throws {
        try await TestServer.with { server in
            let areas = try await server.send(transport, .GET, "/v1/areas").decode(PageBody<AreaBody>.self)
            #expect(areas.items.map(\.id) == ["bredang", "rinkeby", "rosengard", "satra"])
            #expect(areas.items.first?.neighbours == ["satra"])
            let firstTwo = try await server.send(transport, .GET, "/v1/areas?limit=2").decode(PageBody<AreaBody>.self)
            let nextTwo = try await server.send(
                transport, .GET, "/v1/areas?limit=2&cursor=\(firstTwo.nextCursor ?? "")"
            )
            .decode(PageBody<AreaBody>.self)
            #expect((firstTwo.items + nextTwo.items).map(\.id) == areas.items.map(\.id))

            let start = RFC3339.format(Date().addingTimeInterval(-1))
            _ = try await server.send(transport, .POST, "/v1/reports", body: Self.fireReport)
            let feed = try await server.send(transport, .GET, "/v1/timeline?since=\(start)")
            #expect(feed.status == 200)
            // The report's two events (the test server's admin token was made just before).
            #expect(try feed.decode(PageBody<EventBody>.self).items.filter { $0.kind != "token.created" }.count == 2)
            let empty = try await server.send(transport, .GET, "/v1/timeline?since=2099-01-01T00:00:00Z")
            #expect(try empty.decode(PageBody<EventBody>.self).items.isEmpty)

            let health = try await server.send(transport, .GET, "/healthz")
            #expect(health.status == 200)
            #expect(try health.json()["status"] as? String == "ok")
            #expect((try health.json()["checks"] as? [String: String])?["database"] == "ok")
            let ready = try await server.send(transport, .GET, "/readyz")
            #expect(ready.status == 200)
            #expect((try ready.json()["checks"] as? [String: String])?["database"] == "ok")
            let document = try await server.send(transport, .GET, "/v1/openapi.yaml")
            #expect(document.status == 200)
            #expect(document.contentType?.hasPrefix("application/yaml") == true)
            #expect(document.text.hasPrefix("openapi: 3.1.0"))
        }
    }
}
