import DeskAPIModels
import DeskCore
import DeskTestSupport
import Foundation
import Testing

@testable import DeskAPI

/// A write's JSON body is parsed once (design review W2): `JSONSyntax.parse` gives the member check,
/// the typed decode and the idempotency digest one `JSONValue` to read. These tests prove that the
/// one parse reads what the three parses read before: the same value for the digest (so a key kept
/// by an older deskd still replays) and the same fields or the same refusal for the decode.
@Suite struct RequestBodyParseTests {
    /// The API module parses a request body in one place and has no second JSON parser: no
    /// `JSONDecoder`, `DeskJSON.decoder()` or `JSONSerialization` anywhere in Sources/DeskAPI, and
    /// `JSONSyntax.parse` called once, by `JSONBody`. Before this change there were three parses
    /// (`JSONSyntax.check`, `DeskJSON.decoder()` in JSONBody, `JSONDecoder` in Writes.digest).
    @Test func theAPIModuleParsesABodyInOnePlace() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources/DeskAPI")
        var parseCalls: [String] = []
        var otherParsers: [String] = []
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        for case let file as URL in files where file.pathExtension == "swift" {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            for (number, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                let place = "\(file.lastPathComponent):\(number + 1)"
                if line.contains("JSONSyntax.parse(") { parseCalls.append(place) }
                for parser in ["JSONDecoder", "DeskJSON.decoder", "JSONSerialization"] where line.contains(parser) {
                    otherParsers.append("\(place) \(parser)")
                }
            }
        }
        #expect(parseCalls.count == 1 && parseCalls.first?.hasPrefix("JSONBody.swift:") == true, "\(parseCalls)")
        #expect(otherParsers.isEmpty, "\(otherParsers)")
    }

    /// What the one parse makes of a document is what Foundation's `JSONDecoder` made of it for the
    /// digest, value for value (numbers too: `1.0` and `1e2` are whole, beyond Int64 a double), over
    /// written edge cases and 3 × 4000 seeded random documents.
    @Test(arguments: [UInt64(1), 2, 3])
    func theParsedValueIsWhatFoundationReadForTheDigest(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let written = [
            "0", "-0", "1", "-1", "1.0", "-1.0", "1e2", "1E2", "10e-1", "100e-2", "1.5", "0.1", "1e-2", "2.5e0",
            "1.000000000000000000001", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "-9223372036854775808.0", "-9223372036854775807", "-9.2e18",
            "-9223372036854775809", "1e19", "1.0e18", "12345678901234567890123", "-1.5e3", "true", "false", "null",
            #""\u00e5\ud83d\udd25\n""#, #"{"b": [1, 2.0, {"a": null}], "a": "x"}"#,
        ]
        var compared = 0
        let random = (0..<4000).map { _ in RandomInput.jsonBytes(&rng) }
        for bytes in written.map({ Array($0.utf8) }) + random {
            guard let parsed = try? JSONSyntax.parse(bytes, maxDepth: 64),
                let foundation = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
            else { continue }
            #expect(parsed.value == foundation, "seed \(seed): \(String(decoding: bytes, as: UTF8.self))")
            #expect(parsed.value.canonicalText == foundation.canonicalText)
            compared += 1
        }
        #expect(compared > written.count)
    }

    /// The typed decode from the parsed value gives the same fields as `DeskJSON.decoder()` did, or
    /// the same refusal (pointer and detail), for every kind of member the request bodies have.
    @Test func theTypedDecodeGivesWhatFoundationGave() throws {
        let reports = [
            #"{"area": "bredang", "text": "brand"}"#,
            #"{"area": "bredang", "text": "brand", "injured": 2, "ongoing": true, "phase": "during"}"#,
            #"{"area": "bredang", "text": "brand", "injured": 2.0, "category": "fire", "title": null}"#,
            #"{"area": "bredang", "text": "brand", "injured": 1e1, "occurred_at": "2026-11-22T14:05:00Z"}"#,
            #"{"area": "bredang", "text": "brand", "occurred_at": "2026-11-22T14:05:00.123+01:00"}"#,
            #"{"area": "bredang", "text": "brand", "occurred_at": "yesterday"}"#,
            #"{"area": "bredang", "text": "brand", "occurred_at": 7}"#,
            #"{"area": "bredang", "text": "brand", "occurred_at": null}"#,
            #"{"area": "bredang", "text": "brand", "injured": "3"}"#,
            #"{"area": "bredang", "text": "brand", "injured": null}"#,
            #"{"area": "bredang", "text": "brand", "injured": true}"#,
            #"{"area": "bredang", "text": "brand", "ongoing": 1}"#,
            #"{"area": "bredang", "text": "brand", "phase": "soon"}"#,
            #"{"area": "bredang", "text": "brand", "category": 4}"#,
            #"{"area": "bredang", "text": "brand", "reporter": {"name": 7}}"#,
            #"{"area": "bredang", "text": "brand", "reporter": {"name": "Ali", "contact": "+4670"}}"#,
            #"{"area": "bredang", "text": "brand", "reporter": []}"#,
            #"{"area": "bredang", "text": "brand", "reporter": null}"#,
            #"{"area": "bredang"}"#, #"{"area": null, "text": "x"}"#, #"{"area": ["x"], "text": "x"}"#, "{}",
        ]
        for body in reports { try agree(ReportFieldsBody.self, body) }
        let duty = [
            #"{"area": "a", "role": "fire", "responder": "r", "starts": "2026-12-01T08:00:00Z", "#
                + #""ends": "2026-12-01T20:00:00Z"}"#,
            #"{"area": "a", "role": "juggler", "responder": "r", "starts": "2026-12-01T08:00:00Z", "#
                + #""ends": "2026-12-01T20:00:00Z"}"#,
            #"{"area": "a", "role": "fire", "responder": "r", "starts": null, "ends": "2026-12-01T20:00:00Z"}"#,
        ]
        for body in duty { try agree(OverrideRequest.self, body) }
        for body in [
            #"{"unix_user": null, "language": null}"#, #"{"unix_user": "eva", "roles": ["fire", "police"]}"#,
            #"{"roles": ["fire", 3]}"#, #"{"roles": "fire"}"#, #"{"active": false, "areas": []}"#, "{}",
        ] {
            try agree(ResponderPatchRequest.self, body)
        }
        for body in [
            #"{"responders": [{"id": "r1", "name": "Eva", "contact": "+4670", "roles": ["fire"], "areas": ["a"]}]}"#,
            #"{"responders": [{"id": "r1", "name": "Eva", "contact": "+4670", "roles": ["fire"]}]}"#,
            #"{"responders": [{"id": "r1", "name": "Eva", "contact": "+4670", "roles": ["fire"], "areas": [1]}]}"#,
            #"{"responders": {}}"#, "{}",
        ] {
            try agree(Roster.self, body, allowedMembers: RosterDocument.allowedMembers)
        }
        for body in [#"{"dry_run": true}"#, #"{"dry_run": "yes"}"#, "{}"] { try agree(PurgeRequest.self, body) }
    }

    /// A number that does not fit its field is named at its own path; `JSONDecoder` called the whole
    /// body "not valid JSON" (or, beyond a double, "not representable") at the root for it, the one
    /// answer that changed.
    @Test(arguments: [
        #"{"area": "bredang", "text": "x", "injured": 1.5}"#,
        #"{"area": "bredang", "text": "x", "injured": 99999999999999999999}"#,
        #"{"area": "bredang", "text": "x", "injured": 1e400}"#,
    ])
    func aNumberThatDoesNotFitItsFieldIsNamedAtItsPath(body: String) throws {
        let parsed = try JSONSyntax.parse(Array(body.utf8), maxDepth: 32)
        do {
            _ = try JSONBody.decode(
                ReportFieldsBody.self, from: parsed, allowedMembers: ReportFieldsBody.allowedMembers)
            Issue.record("decoded \(body)")
        } catch let problem as APIProblem {
            #expect(problem.errors == [FieldIssueBody(pointer: "/injured", detail: "must be a whole number in range")])
        }
    }

    /// Decodes `body` both ways and expects the same value, or the same field issues.
    private func agree<Value: Decodable & Equatable>(
        _ type: Value.Type, _ body: String, allowedMembers: [String: Set<String>]? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws where Value: StrictBody {
        try agree(type, body, allowedMembers: allowedMembers ?? Value.allowedMembers, sourceLocation: sourceLocation)
    }

    private func agree<Value: Decodable & Equatable>(
        _ type: Value.Type, _ body: String, allowedMembers: [String: Set<String>],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let parsed = try JSONSyntax.parse(Array(body.utf8), maxDepth: 32)
        var foundation: (value: Value?, issue: FieldIssueBody?) = (nil, nil)
        do {
            foundation.value = try DeskJSON.decoder().decode(type, from: Data(body.utf8))
        } catch let error as DecodingError {
            foundation.issue = JSONBody.issue(for: error)
        }
        var ours: (value: Value?, issue: FieldIssueBody?) = (nil, nil)
        do {
            ours.value = try JSONBody.decode(type, from: parsed, allowedMembers: allowedMembers)
        } catch let problem as APIProblem {
            ours.issue = problem.errors?.first
            #expect(problem.errors?.count == 1, sourceLocation: sourceLocation)
        }
        #expect(ours.value == foundation.value, "\(body)", sourceLocation: sourceLocation)
        #expect(ours.issue == foundation.issue, "\(body)", sourceLocation: sourceLocation)
        #expect((ours.value == nil) != (ours.issue == nil), sourceLocation: sourceLocation)
    }
}
