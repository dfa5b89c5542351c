import DeskAPIModels
import DeskCore
import Foundation
import Testing

/// `Idempotency-Key` on `POST /v1/reports`, over both transports.
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
}
