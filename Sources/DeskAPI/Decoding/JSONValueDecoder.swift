import DeskAPIModels
import DeskCore
import Foundation

/// Decodes a `Decodable` request body from the `JSONValue` that `JSONSyntax.parse` made of it, so
/// the body's bytes are parsed once. It reads as `DeskJSON.decoder()` reads the same bytes: the
/// same `DecodingError` cases at the same coding paths, times as RFC 3339 (`DeskJSON.date(from:)`),
/// whole numbers from `1`, `1.0` or `1e0`. Unlike Foundation, a number that does not fit its field
/// is named at its path ("must be a whole number in range") instead of "not valid JSON" at the root.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Decodes `type` from `value`.
    static func decode<Value: Decodable>(_ type: Value.Type, from value: JSONValue) throws -> Value {
        try JSONValueDecoder(value: value, codingPath: []).decodeValue(type)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch([String: Any].self) }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([Any].self) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(decoder: self) }

    /// `type` from this decoder's value: times by the API's rule, everything else by its own `init(from:)`.
    func decodeValue<Value: Decodable>(_ type: Value.Type) throws -> Value {
        if type == Date.self {
            if value == .null { throw mismatch(Date.self) }
            if let date = try DeskJSON.date(from: self) as? Value { return date }
        }
        return try Value(from: self)
    }

    func decodeNil() -> Bool { value == .null }

    func decodeBool() throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self) }
        return flag
    }

    func decodeString() throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self) }
        return text
    }

    func decodeDouble() throws -> Double {
        switch value {
        case .int(let whole): return Double(whole)
        case .double(let real) where real.isFinite: return real
        case .double: throw outOfRange("must be a number in range")
        default: throw mismatch(Double.self)
        }
    }

    func decodeInteger<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
        switch value {
        case .int(let whole):
            guard let integer = Integer(exactly: whole) else { throw outOfRange("must be a whole number in range") }
            return integer
        case .double: throw outOfRange("must be a whole number in range")
        default: throw mismatch(type)
        }
    }

    private func mismatch(_ type: Any.Type) -> DecodingError {
        if value == .null {
            return .valueNotFound(
                type, .init(codingPath: codingPath, debugDescription: "Expected \(type) value but found null instead."))
        }
        return .typeMismatch(
            type, .init(codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(value.kind)"))
    }

    private func outOfRange(_ detail: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: detail))
    }
}

extension JSONValue {
    /// What the value is, for an error message.
    fileprivate var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
