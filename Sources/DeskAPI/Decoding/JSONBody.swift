import DeskAPIModels
import DeskCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reads a JSON request body strictly: right media type, within the size limit, valid JSON with
/// positions for syntax errors, no unknown or duplicate members, fields of the right types.
struct JSONBody {
    var maxBytes: Int
    var maxDepth: Int

    /// Decodes a request body, allowing the members its `CodingKeys` name, or throws an `APIProblem`
    /// saying exactly what is wrong.
    func decode<Value: StrictBody>(_ type: Value.Type, from request: Request) async throws -> Value {
        try await decodeKeepingJSON(type, from: request, allowedMembers: Value.allowedMembers).value
    }

    /// Decodes a request body as `decode` does, and returns the body's parsed JSON too (for the
    /// idempotency digest, `Writes.run(body:)`), so the body is parsed once.
    func decodeKeepingJSON<Value: StrictBody>(
        _ type: Value.Type, from request: Request
    ) async throws -> (value: Value, json: JSONValue) {
        try await decodeKeepingJSON(type, from: request, allowedMembers: Value.allowedMembers)
    }

    /// Decodes `Value` from the request and returns its parsed JSON too, or throws an `APIProblem`
    /// saying exactly what is wrong. The bytes are parsed once (`JSONSyntax.parse`); the member
    /// check and the typed decode (`JSONValueDecoder`) read that one parse.
    /// - Parameter allowedMembers: the member names allowed in each object, by JSON pointer.
    func decodeKeepingJSON<Value: Decodable>(
        _ type: Value.Type, from request: Request, allowedMembers: [String: Set<String>]
    ) async throws -> (value: Value, json: JSONValue) {
        let contentType = request.headers[.contentType]
        guard let contentType, Self.isJSON(contentType) else { throw APIProblem.unsupportedMediaType(contentType) }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            throw APIProblem.bodyTooLarge(limit: maxBytes)
        }
        let buffer = try await request.body.collect(upTo: maxBytes)
        let parsed: JSONSyntax.Parsed
        do {
            parsed = try JSONSyntax.parse(Array(buffer.readableBytesView), maxDepth: maxDepth)
        } catch {
            throw APIProblem.malformedJSON(error)
        }
        return (try Self.decode(type, from: parsed, allowedMembers: allowedMembers), parsed.value)
    }

    /// Checks a parsed body's members against `allowedMembers` and decodes `Value` from it.
    static func decode<Value: Decodable>(
        _ type: Value.Type, from parsed: JSONSyntax.Parsed, allowedMembers: [String: Set<String>]
    ) throws -> Value {
        guard parsed.shape.isObject else {
            throw APIProblem.invalidFields([FieldIssueBody(pointer: "", detail: "must be a JSON object")])
        }
        var issues: [FieldIssueBody] = []
        for (pointer, allowed) in allowedMembers.sorted(by: { $0.key < $1.key }) {
            for name in parsed.shape.members[pointer] ?? [] where !allowed.contains(name) {
                issues.append(
                    FieldIssueBody(
                        pointer: pointer + "/" + JSONSyntax.escapePointer(name),
                        detail: "is not a known member; expected \(allowed.sorted().joined(separator: ", "))"
                    )
                )
            }
        }
        if !issues.isEmpty { throw APIProblem.invalidFields(issues) }
        do {
            return try JSONValueDecoder.decode(Value.self, from: parsed.value)
        } catch let error as DecodingError {
            throw APIProblem.invalidFields([issue(for: error)])
        }
    }

    /// `application/json`, with or without parameters, or any `application/*+json`.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType =
            contentType.split(separator: ";", maxSplits: 1).first?
            .trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    /// Turns a decoding error into the offending field and a plain explanation.
    static func issue(for error: DecodingError) -> FieldIssueBody {
        switch error {
        case .typeMismatch(let type, let context):
            return FieldIssueBody(pointer: pointer(context.codingPath), detail: "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return FieldIssueBody(
                pointer: pointer(context.codingPath), detail: "must be \(describe(type)), not null"
            )
        case .keyNotFound(let key, let context):
            return FieldIssueBody(pointer: pointer(context.codingPath + [key]), detail: "is required")
        case .dataCorrupted(let context):
            return FieldIssueBody(pointer: pointer(context.codingPath), detail: context.debugDescription)
        @unknown default:
            return FieldIssueBody(pointer: "", detail: "could not be read")
        }
    }

    private static func pointer(_ path: [any CodingKey]) -> String {
        path.map { "/" + ($0.intValue.map(String.init) ?? JSONSyntax.escapePointer($0.stringValue)) }.joined()
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is Date.Type: return "an RFC 3339 time such as 2026-11-22T14:05:00Z"
        default: return "an object of the documented form"
        }
    }
}
