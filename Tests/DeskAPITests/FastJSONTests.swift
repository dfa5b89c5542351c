import DeskAPIModels
import DeskCore
import Foundation
import Testing

/// The API writes its bodies with `JSONWriter`, not `JSONEncoder`: every body it serves must be
/// exactly what the Codable form of the same value says (same members, same values), so that the
/// fast path cannot drift from the contract the clients decode.
@Suite struct FastJSONTests {
    /// Parses JSON into Foundation objects, which compare by value.
    static func tree(_ bytes: some Sequence<UInt8>) throws -> NSObject {
        let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        guard let object = object as? NSObject else { throw TestFailure("not JSON") }
        return object
    }

    /// Decodes `served`, then checks the served bytes, the fast writer's bytes and JSONEncoder's
    /// bytes for that value are the same JSON.
    static func check<Body: Codable & JSONWritable>(_ type: Body.Type, _ served: TestResponse) throws {
        #expect(served.status < 300, "\(served.text)")
        let value = try served.decode(type)
        let fast = try tree(value.jsonBytes)
        let codable = try tree(try DeskJSON.encoder().encode(value))
        #expect(fast == codable, "\(String(decoding: value.jsonBytes, as: UTF8.self))")
        #expect(try tree(served.body) == codable, "\(served.text)")
    }

    @Test func everyBodyTheWriterServesIsWhatCodableSays() async throws {
        try await TestServer.with { server in
            let report = #"""
                {"area":"bredang","text":"Brand i trapphuset på Bredängsvägen 20, \"rök\" överallt\n🔥 två skadade \u0007",
                 "title":"Brand \\ trapphus","occurred_at":"2026-11-22T14:05:00.123Z","location":"Bredängsvägen 20",
                 "reporter":{"name":"Åsa Öberg","contact":"+46 70 174 06 12"},"injured":2,"ongoing":true,
                 "category":"fire","phase":"during"}
                """#
            let created = try await server.send(.tcp, .POST, "/v1/reports", body: report)
            try Self.check(ReportCreatedBody.self, created)
            let id = try created.decode(ReportCreatedBody.self).incident.id
            let unclassified = try await server.send(
                .unix, .POST, "/v1/reports", body: #"{"area":"satra","text":"Oklart läge vid torget"}"#)
            try Self.check(ReportCreatedBody.self, unclassified)
            let note = try await server.send(
                .tcp, .POST, "/v1/incidents/\(id)/notes", body: #"{"text":"Räddningstjänsten på plats"}"#)
            try Self.check(IncidentChangeBody.self, note)
            try Self.check(IncidentBody.self, try await server.send(.tcp, .GET, "/v1/incidents/\(id)"))
            try Self.check(PageBody<IncidentBody>.self, try await server.send(.tcp, .GET, "/v1/incidents?limit=50"))
            try Self.check(PageBody<EventBody>.self, try await server.send(.tcp, .GET, "/v1/incidents/\(id)/timeline"))
            try Self.check(PageBody<EventBody>.self, try await server.send(.tcp, .GET, "/v1/timeline"))
            try Self.check(PageBody<AreaBody>.self, try await server.send(.tcp, .GET, "/v1/areas"))
            try Self.check(HealthBody.self, try await server.send(.tcp, .GET, "/healthz"))
        }
    }

    /// A split's answer: an incident of two reports, one split off.
    @Test func aSplitAnswerIsWhatCodableSays() async throws {
        try await TestServer.with(correlation: CorrelationPolicy(window: 3600)) { server in
            let body =
                #"{"area":"bredang","text":"Brand i trapphuset på Ålgrytevägen","category":"fire","phase":"during"}"#
            let first = try await server.send(.tcp, .POST, "/v1/reports", body: body).decode(ReportCreatedBody.self)
            let second = try await server.send(.tcp, .POST, "/v1/reports", body: body).decode(ReportCreatedBody.self)
            #expect(second.incident.id == first.incident.id, "the second report joins the first one's incident")
            let split = try await server.send(
                .tcp, .POST, "/v1/incidents/\(first.incident.id)/split",
                body: #"{"report_id":"\#(second.report.id)","reason":"Två olika trapphus"}"#)
            try Self.check(SplitBody.self, split)
        }
    }

    /// Every type the fast writer writes, and the test above that checks it against its Codable
    /// form: a new `JSONWritable` body fails here until it is checked too.
    static let covered: [String: String] = [
        "IncidentBody": "everyBodyTheWriterServesIsWhatCodableSays (GET /v1/incidents/{id})",
        "ReportBody": "everyBodyTheWriterServesIsWhatCodableSays (inside IncidentBody and ReportCreatedBody)",
        "EventBody": "everyBodyTheWriterServesIsWhatCodableSays (the timelines)",
        "AreaBody": "everyBodyTheWriterServesIsWhatCodableSays (GET /v1/areas)",
        "ReportCreatedBody": "everyBodyTheWriterServesIsWhatCodableSays (POST /v1/reports)",
        "IncidentChangeBody": "everyBodyTheWriterServesIsWhatCodableSays (a note)",
        "SplitBody": "aSplitAnswerIsWhatCodableSays",
        "PageBody": "everyBodyTheWriterServesIsWhatCodableSays (every list)",
        "HealthBody": "everyBodyTheWriterServesIsWhatCodableSays (GET /healthz)",
        "EmbeddedJSON":
            "everyBodyTheWriterServesIsWhatCodableSays (the classification inside IncidentBody and ReportBody)",
    ]

    @Test func everyWritableBodyIsCheckedAgainstItsCodableForm() throws {
        let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/DeskAPIModels")
        var declared: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: models.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: models.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("JSONWritable") {
                let words = line.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
                if let at = words.firstIndex(where: { $0 == "struct" || $0 == "extension" }), at + 1 < words.count,
                    words[at + 1] != "JSONWritable"
                {
                    declared.insert(String(words[at + 1]))
                }
            }
        }
        #expect(
            declared == Set(Self.covered.keys), "declared \(declared.sorted()), checked \(Self.covered.keys.sorted())")
    }

    @Test func stringsWithEveryEscapeRoundTrip() throws {
        var text = "\"\\/\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}\u{2028}\u{2029} åäö 🚒 \u{202E}"
        for scalar in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        var json = JSONWriter(capacity: 64)
        json.object { $0.member("t", text) }
        let decoded = try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: String]
        #expect(decoded?["t"] == text)
    }

    @Test func numbersAreWrittenAsFoundationReadsThem() throws {
        for value in [0.0, 1.0, -3.0, 0.5, 1e-7, 123_456_789.125, 0.1 + 0.2, -0.0, 1e300] {
            var json = JSONWriter(capacity: 32)
            json.object { $0.member("n", value) }
            // JSONDecoder, as clients read numbers (JSONSerialization rounds some in the last digit).
            let decoded = try JSONDecoder().decode([String: Double].self, from: Data(json.text.utf8))
            #expect(decoded["n"] == value, "\(json.text)")
        }
    }
}
