import DeskAPIModels
import DeskCore
import Foundation
import Hummingbird

/// Typed access to a request's query string that refuses unknown or malformed parameters.
struct QueryParameters {
    private let values: [String: String]

    /// Reads the query, accepting only `allowed` names, each at most once.
    init(_ request: Request, allowed: Set<String>) throws(DeskError) {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let name = String(name)
            guard allowed.contains(name) else {
                throw DeskError.invalidParameter(
                    name, "unknown parameter; this endpoint takes \(allowed.sorted().joined(separator: ", "))"
                )
            }
            guard values[name] == nil else { throw DeskError.invalidParameter(name, "given more than once") }
            values[name] = String(value)
        }
        self.values = values
    }

    func string(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    func integer(_ name: String) throws(DeskError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else {
            throw DeskError.invalidParameter(name, "must be a whole number (got \"\(text)\")")
        }
        return value
    }

    func boolean(_ name: String) throws(DeskError) -> Bool? {
        guard let text = string(name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw DeskError.invalidParameter(name, "must be true or false (got \"\(text)\")")
        }
    }

    func time(_ name: String) throws(DeskError) -> Date? {
        guard let text = string(name) else { return nil }
        // A literal "+" in a query string reads as a space: accept "…T14:05:00 01:00" as "+01:00".
        guard let date = RFC3339.parse(text) ?? RFC3339.parse(text.replacingOccurrences(of: " ", with: "+")) else {
            throw DeskError.invalidParameter(
                name, "must be an RFC 3339 time such as 2026-11-22T14:05:00Z (got \"\(text)\")")
        }
        return date
    }

    func oneOf<Value: RawRepresentable & CaseIterable>(_ name: String, _ type: Value.Type) throws(DeskError) -> Value?
    where Value.RawValue == String {
        guard let text = string(name) else { return nil }
        guard let value = Value(rawValue: text) else {
            let names = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw DeskError.invalidParameter(name, "must be one of \(names) (got \"\(text)\")")
        }
        return value
    }

    /// A language code the desk names reports with (ISO 639, see `IncidentLanguages.known`), as
    /// reports are stored: `prs` (Dari) reads as `fa`.
    func language(_ name: String) throws(DeskError) -> String? {
        guard let text = string(name) else { return nil }
        guard let code = IncidentLanguages.filterCode(text) else {
            let codes = IncidentLanguages.known.sorted().joined(separator: ", ")
            throw DeskError.invalidParameter(
                name, "must be an ISO 639 code the desk names reports with: one of \(codes) (got \"\(text)\")")
        }
        return code
    }

    /// The `limit` and `cursor` parameters every list takes.
    func page() throws(DeskError) -> PageRequest {
        let cursor: PageCursor?
        if let token = string("cursor") { cursor = try PageCursor(token: token) } else { cursor = nil }
        return try PageRequest(limit: try integer("limit"), cursor: cursor)
    }
}
