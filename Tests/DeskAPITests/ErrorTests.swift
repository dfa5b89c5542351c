import DeskAPIModels
import DeskCore
import Foundation
import NIOHTTP1
import Testing

/// One request the API must refuse, and how.
struct Refusal: CustomTestStringConvertible, Sendable {
    var name: String
    var method: HTTPMethod
    var path: String
    var body: String?
    var contentType: String? = "application/json"
    var status: Int
    var type: String
    /// Text the problem's detail must contain.
    var detail: String
    /// The JSON pointer the problem must name, if any.
    var pointer: String?

    var testDescription: String { name }
}

let unknownID = "0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9d"

let refusals: [Refusal] = [
    Refusal(
        name: "unknown route", method: .GET, path: "/v1/nothing", status: 404, type: "not-found", detail: "/v1/nothing"),
    Refusal(
        name: "wrong method", method: .DELETE, path: "/v1/incidents", status: 405, type: "method-not-allowed",
        detail: "use GET"),
    Refusal(
        name: "unknown incident", method: .GET, path: "/v1/incidents/\(unknownID)", status: 404,
        type: "incident-not-found", detail: unknownID),
    Refusal(
        name: "malformed incident id", method: .GET, path: "/v1/incidents/abc/timeline", status: 404,
        type: "incident-not-found", detail: "abc"),
    Refusal(
        name: "note on unknown incident", method: .POST, path: "/v1/incidents/\(unknownID)/notes",
        body: #"{"text":"x"}"#, status: 404, type: "incident-not-found", detail: unknownID),
    Refusal(
        name: "malformed JSON", method: .POST, path: "/v1/reports",
        body: "{\"area\": \"bredang\",\n \"text\": \"x\",, }", status: 400, type: "malformed-json",
        detail: "line 2, column 14"),
    Refusal(
        name: "truncated JSON", method: .POST, path: "/v1/reports", body: #"{"area": "bredang", "text": "x"#,
        status: 400, type: "malformed-json", detail: "unterminated string"),
    Refusal(
        name: "empty body", method: .POST, path: "/v1/reports", body: "", status: 400, type: "malformed-json",
        detail: "empty body"),
    Refusal(
        name: "lone surrogate", method: .POST, path: "/v1/reports", body: #"{"area": "bredang", "text": "\ud800"}"#,
        status: 400, type: "malformed-json", detail: "surrogate"),
    Refusal(
        name: "deep nesting", method: .POST, path: "/v1/reports",
        body: String(repeating: "[", count: 100) + String(repeating: "]", count: 100), status: 400,
        type: "malformed-json", detail: "nesting deeper than 32"),
    Refusal(
        name: "duplicate member", method: .POST, path: "/v1/reports",
        body: #"{"area": "bredang", "text": "a", "text": "b"}"#, status: 400, type: "malformed-json",
        detail: "duplicate member"),
    Refusal(
        name: "not an object", method: .POST, path: "/v1/reports", body: #"["bredang"]"#, status: 422,
        type: "validation-failed", detail: "must be a JSON object", pointer: ""),
    Refusal(
        name: "wrong field type", method: .POST, path: "/v1/reports",
        body: #"{"area": "bredang", "text": "x", "injured": "3"}"#, status: 422, type: "validation-failed",
        detail: "whole number", pointer: "/injured"),
    Refusal(
        name: "wrong nested type", method: .POST, path: "/v1/reports",
        body: #"{"area": "bredang", "text": "x", "reporter": {"name": 7}}"#, status: 422, type: "validation-failed",
        detail: "string", pointer: "/reporter/name"),
    Refusal(
        name: "missing text", method: .POST, path: "/v1/reports", body: #"{"area": "bredang"}"#, status: 422,
        type: "validation-failed", detail: "required", pointer: "/text"),
    Refusal(
        name: "unknown member", method: .POST, path: "/v1/reports",
        body: #"{"area": "bredang", "text": "x", "ongoin": true}"#, status: 422, type: "validation-failed",
        detail: "not a known member", pointer: "/ongoin"),
    Refusal(
        name: "bad time", method: .POST, path: "/v1/reports",
        body: #"{"area": "bredang", "text": "x", "occurred_at": "yesterday"}"#, status: 422, type: "validation-failed",
        detail: "RFC 3339", pointer: "/occurred_at"),
    Refusal(
        name: "unknown area", method: .POST, path: "/v1/reports", body: #"{"area": "bredng", "text": "x"}"#,
        status: 422, type: "unknown-area", detail: "did you mean \"bredang\"", pointer: "/area"),
    Refusal(
        name: "text too long", method: .POST, path: "/v1/reports",
        body: #"{"area": "bredang", "text": "\#(String(repeating: "ä", count: 8001))"}"#, status: 422,
        type: "validation-failed", detail: "at most 8000 characters", pointer: "/text"),
    Refusal(
        name: "whitespace text", method: .POST, path: "/v1/reports", body: #"{"area": "bredang", "text": " \n "}"#,
        status: 422, type: "validation-failed", detail: "must not be empty", pointer: "/text"),
    Refusal(
        name: "wrong content type", method: .POST, path: "/v1/reports", body: "area=bredang",
        contentType: "application/x-www-form-urlencoded", status: 415, type: "unsupported-media-type",
        detail: "application/json"),
    Refusal(
        name: "no content type", method: .POST, path: "/v1/reports", body: #"{"area":"bredang","text":"x"}"#,
        contentType: nil, status: 415, type: "unsupported-media-type", detail: "no Content-Type"),
    Refusal(
        name: "body too large", method: .POST, path: "/v1/reports",
        body: #"{"area": "bredang", "text": "\#(String(repeating: "a", count: 70_000))"}"#, status: 413,
        type: "body-too-large", detail: "65536 bytes"),
    Refusal(
        name: "bad limit", method: .GET, path: "/v1/incidents?limit=many", status: 400, type: "invalid-parameter",
        detail: "limit: must be a whole number"),
    Refusal(
        name: "unknown parameter", method: .GET, path: "/v1/incidents?stauts=open", status: 400,
        type: "invalid-parameter", detail: "stauts: unknown parameter"),
    Refusal(
        name: "bad phase filter", method: .GET, path: "/v1/incidents?phase=now", status: 400, type: "invalid-parameter",
        detail: "must be one of"),
    Refusal(
        name: "bad cursor", method: .GET, path: "/v1/incidents?cursor=garbage", status: 400, type: "invalid-parameter",
        detail: "cursor"),
    Refusal(
        name: "bad since", method: .GET, path: "/v1/timeline?since=today", status: 400, type: "invalid-parameter",
        detail: "since"),
    Refusal(
        name: "bad needs_review filter", method: .GET, path: "/v1/incidents?needs_review=yes", status: 400,
        type: "invalid-parameter", detail: "needs_review: must be true or false"),
    Refusal(
        name: "classify empty text", method: .POST, path: "/v1/classify", body: #"{"text": ""}"#, status: 422,
        type: "validation-failed", detail: "must not be empty", pointer: "/text"),
    Refusal(
        name: "classify white space", method: .POST, path: "/v1/classify", body: #"{"text": " \n\t\u3000 "}"#,
        status: 422, type: "validation-failed", detail: "must not be empty", pointer: "/text"),
    Refusal(
        name: "classify unknown language", method: .POST, path: "/v1/classify",
        body: #"{"text": "brand", "lang": "de"}"#, status: 422, type: "validation-failed", detail: "en, sv",
        pointer: "/lang"),
    Refusal(
        name: "classify unknown member", method: .POST, path: "/v1/classify",
        body: #"{"text": "brand", "language": "sv"}"#, status: 422, type: "validation-failed", detail: "language"),
    Refusal(
        name: "classify invalid escape", method: .POST, path: "/v1/classify", body: #"{"text": "brand \q"}"#,
        status: 400, type: "malformed-json", detail: "escape"),
    Refusal(
        name: "confirm unknown incident", method: .POST, path: "/v1/incidents/\(unknownID)/confirm", body: "{}",
        status: 404, type: "incident-not-found", detail: unknownID),
    Refusal(
        name: "split unknown incident", method: .POST, path: "/v1/incidents/\(unknownID)/split",
        body: #"{"report_id": "\#(unknownID)", "reason": "x"}"#, status: 404, type: "incident-not-found",
        detail: unknownID),
]

@Suite struct ErrorTests {
    @Test(arguments: transports, refusals)
    func refusedRequestsAnswerProblemJSONAndChangeNothing(transport: Transport, refusal: Refusal) async throws {
        try await TestServer.with { server in
            let before = try server.database.rowCounts()
            let response = try await server.send(
                transport, refusal.method, refusal.path, body: refusal.body, contentType: refusal.contentType
            )
            #expect(response.status == refusal.status, "\(response.text)")
            #expect(response.contentType == "application/problem+json")
            let problem = try response.decode(ProblemDetails.self)
            #expect(problem.type == "urn:incident-desk:problem:\(refusal.type)")
            #expect(problem.status == refusal.status)
            #expect(!problem.title.isEmpty)
            #expect(problem.detail.contains(refusal.detail), "\(problem.detail)")
            if let pointer = refusal.pointer {
                #expect(problem.errors?.map(\.pointer).contains(pointer) == true, "\(problem.errors ?? [])")
            }
            #expect(try server.database.rowCounts() == before)
        }
    }

    @Test(arguments: transports)
    func conflictsAnswer409AndChangeNothing(transport: Transport) async throws {
        try await TestServer.with { server in
            let created = try await server.send(
                transport, .POST, "/v1/reports", body: #"{"area":"satra","text":"Bråk vid centrum","phase":"during"}"#
            ).decode(ReportCreatedBody.self)
            let base = "/v1/incidents/\(created.incident.id)"
            let same = try await server.send(
                transport, .POST, base + "/phase", body: #"{"phase":"during","reason":"x"}"#)
            #expect(same.status == 409)
            #expect(try same.decode(ProblemDetails.self).slug == "same-phase")
            let reopenOpen = try await server.send(transport, .POST, base + "/reopen", body: "{}")
            #expect(reopenOpen.status == 409)
            #expect(try reopenOpen.decode(ProblemDetails.self).slug == "incident-open")
            _ = try await server.send(transport, .POST, base + "/close", body: #"{"outcome":"Lugnt"}"#)
            let before = try server.database.rowCounts()
            let again = try await server.send(transport, .POST, base + "/close", body: #"{"outcome":"igen"}"#)
            #expect(again.status == 409)
            #expect(try again.decode(ProblemDetails.self).slug == "incident-closed")
            let phaseOfClosed = try await server.send(
                transport, .POST, base + "/phase", body: #"{"phase":"after","reason":"x"}"#)
            #expect(phaseOfClosed.status == 409)
            let unclassified = try await server.send(
                transport, .POST, base + "/phase", body: #"{"phase":"unclassified","reason":"x"}"#)
            #expect(unclassified.status == 422)
            let noReason = try await server.send(transport, .POST, base + "/phase", body: #"{"phase":"after"}"#)
            #expect(noReason.status == 422)
            #expect(try server.database.rowCounts() == before)
        }
    }

    @Test func wrongMethodNamesTheAllowedOnes() async throws {
        try await TestServer.with { server in
            let response = try await server.send(.tcp, .PUT, "/v1/incidents/\(unknownID)/close")
            #expect(response.status == 405)
            #expect(response.headers.first(name: "Allow") == "POST")
        }
    }
}
