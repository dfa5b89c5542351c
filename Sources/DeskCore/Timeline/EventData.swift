import Foundation

/// The kind-specific facts of a timeline event, e.g. `{"from": "during", "to": "after"}`, with
/// their canonical JSON (sorted keys, compact), made once: what is stored, hash-chained and served.
///
/// Data the desk makes carries its values; data read back from storage carries only the stored
/// text, and decodes it on demand (`values`) — serving it never needs to.
public struct EventData: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The canonical JSON text.
    public let json: String
    private let decoded: [String: JSONValue]?

    /// Data made of `values`; encodes them once.
    public init(_ values: [String: JSONValue]) {
        var writer = JSONWriter(capacity: 128)
        JSONValue.write(values, to: &writer)
        json = writer.text
        decoded = values
    }

    /// Data as stored: `json` must be a JSON object (the schema checks `json_valid`).
    public init(storedJSON json: String) {
        self.json = json
        decoded = nil
    }

    /// Creates data from a dictionary literal.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// The members; decoded from the stored text when this data was read back (an unreadable
    /// text gives no members).
    public var values: [String: JSONValue] {
        if let decoded { return decoded }
        return (try? JSONDecoder().decode([String: JSONValue].self, from: Data(json.utf8))) ?? [:]
    }

    /// The member `key`, if present.
    public subscript(key: String) -> JSONValue? { values[key] }

    public static func == (lhs: EventData, rhs: EventData) -> Bool { lhs.json == rhs.json }

    public func hash(into hasher: inout Hasher) { hasher.combine(json) }
}

extension EventData: Codable {
    /// Decodes a JSON object.
    public init(from decoder: any Decoder) throws {
        self.init(try [String: JSONValue](from: decoder))
    }

    /// Encodes the members as a JSON object.
    public func encode(to encoder: any Encoder) throws {
        try values.encode(to: encoder)
    }
}
