import DeskCore
import Foundation

/// A body the server writes with `JSONWriter` rather than `JSONEncoder`: the answers of the hot
/// paths (reports, incident lists and pages, timelines). Its `Codable` conformance stays what
/// clients decode with; `FastJSONTests` checks that both give the same JSON, for every such type.
public protocol JSONWritable {
    /// Writes the body as one JSON value.
    func write(to json: inout JSONWriter)
}

extension JSONWritable {
    /// The body's JSON bytes.
    public var jsonBytes: [UInt8] {
        var json = JSONWriter(capacity: 1024)
        write(to: &json)
        return json.bytes
    }
}

extension JSONWriter {
    /// `"name": "2026-11-22T14:05:09.123Z"` (or `null`).
    public mutating func member(_ name: String, time: Date?) {
        key(name)
        value(time: time)
    }

    /// `"name": <body>` (or `null`).
    public mutating func member(_ name: String, _ body: (some JSONWritable)?) {
        key(name)
        if let body { body.write(to: &self) } else { null() }
    }

    /// `"name": [<body>, …]`.
    public mutating func member(_ name: String, _ bodies: [some JSONWritable]) {
        key(name)
        array(bodies) { json, body in body.write(to: &json) }
    }
}

/// A JSON value the server holds as the canonical text it was stored as (a classification) and a
/// client decodes into `Value`: served without a decode and encode round trip.
public struct EmbeddedJSON<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable, JSONWritable {
    /// The JSON text.
    public let json: String
    private let decoded: Value?

    /// A value the server holds as JSON text.
    public init(json: String) {
        self.json = json
        decoded = nil
    }

    /// The value; decoded from the text when it was made from text.
    public var value: Value {
        get throws {
            if let decoded { return decoded }
            return try JSONDecoder().decode(Value.self, from: Data(json.utf8))
        }
    }

    /// Decodes the value (what a client does).
    public init(from decoder: any Decoder) throws {
        let value = try Value(from: decoder)
        decoded = value
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        json = (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
    }

    /// Encodes the value.
    public func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }

    public func write(to json: inout JSONWriter) { json.raw(self.json) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.json == rhs.json }

    public func hash(into hasher: inout Hasher) { hasher.combine(json) }
}
