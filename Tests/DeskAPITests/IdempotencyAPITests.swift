import DeskAPIModels
import DeskCore
import Foundation
import Testing

/// `Idempotency-Key` on `POST /v1/reports` and on the other writes, over both transports.
@Suite struct IdempotencyAPITests {
    @Test(arguments: transports)
    func retriesWithTheSameKeyAndBodyGetTheOriginalReport(transport: Transport) async throws {
        try await TestServer.with { server in
            let body = #"{"area": "rinkeby", "text": "Det brinner i en bil just nu"}"#
            // The same request, spelled differently: member order and spacing do not matter.
            let respelled = #"{ "text":"Det brinner i en bil just nu","area":"rinkeby" }"#
            let key = [("Idempotency-Key", "4f1c2c1e-1b7d-4f55-9d3a-0d1f2e3a4b5c")]
            let first = try await server.send(transport, .POST, "/v1/reports", body: body, headers: key)
            let second = try await server.send(transport, .POST, "/v1/reports", body: respelled, headers: key)
            #expect(first.status == 201)
            #expect(second.status == 201)
            #expect(first.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(second.headers.first(name: "Idempotent-Replayed") == "true")
            let original = try first.decode(ReportCreatedBody.self)
            let replayed = try second.decode(ReportCreatedBody.self)
            #expect(replayed.report.id == original.report.id)
            #expect(replayed.incident.id == original.incident.id)
            #expect(try server.database.rowCounts()["report"] == 1)

            let different = try await server.send(
                transport, .POST, "/v1/reports", body: #"{"area": "rinkeby", "text": "Något helt annat"}"#,
                headers: key)
            #expect(different.status == 422)
            #expect(
                try different.decode(ProblemDetails.self).type == "urn:incident-desk:problem:idempotency-key-reused")

            let badKey = try await server.send(
                transport, .POST, "/v1/reports", body: body, headers: [("Idempotency-Key", "has spaces in it")])
            #expect(badKey.status == 400)
            #expect(try badKey.decode(ProblemDetails.self).type == "urn:incident-desk:problem:invalid-idempotency-key")
            #expect(try server.database.rowCounts()["report"] == 1)
        }
    }

    static func events(_ server: TestServer, _ incident: String, _ transport: Transport) async throws -> [String] {
        let page = try await server.send(transport, .GET, "/v1/incidents/\(incident)/timeline?limit=200")
        return try page.decode(PageBody<EventBody>.self).items.map(\.kind)
    }

    @Test(arguments: transports)
    func aRetriedNoteIsAddedOnceAndGetsTheSameAnswer(transport: Transport) async throws {
        try await TestServer.with { server in
            let created = try await server.send(
                transport, .POST, "/v1/reports", body: #"{"area": "rinkeby", "text": "Det brinner i en bil just nu"}"#)
            let incident = try created.decode(ReportCreatedBody.self).incident.id
            let key = [("Idempotency-Key", "note-1")]
            let note = #"{"text": "Räddningstjänsten är på plats"}"#
            let path = "/v1/incidents/\(incident)/notes"
            let first = try await server.send(transport, .POST, path, body: note, headers: key)
            let second = try await server.send(transport, .POST, path, body: note, headers: key)
            #expect(first.status == 201)
            #expect(second.status == 201)
            #expect(first.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(second.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(second.headers.first(name: "Content-Type") == first.headers.first(name: "Content-Type"))
            #expect(second.text == first.text)
            #expect(try await Self.events(server, incident, transport).filter { $0 == "note.added" }.count == 1)

            // The same key for another request: 422, nothing added.
            let other = try await server.send(
                transport, .POST, path, body: #"{"text": "Något annat"}"#, headers: key)
            #expect(other.status == 422)
            #expect(try other.decode(ProblemDetails.self).type == "urn:incident-desk:problem:idempotency-key-reused")
            // Without a key every request is new.
            #expect(try await server.send(transport, .POST, path, body: note).status == 201)
            #expect(try await Self.events(server, incident, transport).filter { $0 == "note.added" }.count == 2)
        }
    }

    @Test(arguments: transports)
    func aFailedWriteGivesItsKeyUp(transport: Transport) async throws {
        try await TestServer.with { server in
            let created = try await server.send(
                transport, .POST, "/v1/reports", body: #"{"area": "rinkeby", "text": "Det brinner i en bil just nu"}"#)
            let incident = try created.decode(ReportCreatedBody.self).incident.id
            let key = [("Idempotency-Key", "reopen-1")]
            // Reopening an open incident is refused; the refusal is not kept ...
            let refused = try await server.send(
                transport, .POST, "/v1/incidents/\(incident)/reopen", body: "{}", headers: key)
            #expect(refused.status == 409)
            // ... so after closing, the same request with the same key is done.
            let close = try await server.send(
                transport, .POST, "/v1/incidents/\(incident)/close", body: #"{"outcome": "Släckt"}"#)
            #expect(close.status == 200)
            let reopened = try await server.send(
                transport, .POST, "/v1/incidents/\(incident)/reopen", body: "{}", headers: key)
            #expect(reopened.status == 200)
            #expect(reopened.headers.first(name: "Idempotent-Replayed") == nil)
        }
    }

    @Test func concurrentRetriesOfOneWriteDoItOnce() async throws {
        try await TestServer.with { server in
            let created = try await server.send(
                .unix, .POST, "/v1/reports", body: #"{"area": "rinkeby", "text": "Det brinner i en bil just nu"}"#)
            let incident = try created.decode(ReportCreatedBody.self).incident.id
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await server.send(
                            .tcp, .POST, "/v1/incidents/\(incident)/notes", body: #"{"text": "Samma anteckning"}"#,
                            headers: [("Idempotency-Key", "same-note")]
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Each retry is either answered with the kept answer or told to retry (409): none adds a note.
            #expect(statuses.allSatisfy { $0 == 201 || $0 == 409 }, "\(statuses)")
            #expect(statuses.contains(201))
            #expect(try await Self.events(server, incident, .unix).filter { $0 == "note.added" }.count == 1)
        }
    }
}
