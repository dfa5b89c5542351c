import DeskCore
import Foundation

/// Conversions from stored text to domain values, failing loudly on rows the schema should
/// never have accepted.
enum StoredValue {
    static func id(_ text: String) throws -> DeskID {
        guard let id = DeskID(text) else { throw StorageFailure("stored id is malformed: \(text)") }
        return id
    }

    static func time(_ text: String) throws -> Date {
        guard let date = Timestamp.parse(text) else { throw StorageFailure("stored time is malformed: \(text)") }
        return date
    }

    static func enumeration<Value: RawRepresentable>(_ text: String) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: text) else {
            throw StorageFailure("stored value \(text) is not a valid \(Value.self)")
        }
        return value
    }

    /// A stored classification (JSON text), or nil.
    static func classification(_ text: String?) throws -> Classification? {
        guard let text else { return nil }
        do {
            return try JSONDecoder().decode(Classification.self, from: Data(text.utf8))
        } catch {
            throw StorageFailure("stored classification is unreadable: \(error)")
        }
    }

    /// A classification as stored: compact JSON with sorted keys.
    static func classificationText(_ classification: Classification?) -> String? {
        guard let classification else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Classification holds strings, numbers and booleans only: encoding cannot fail.
        guard let data = try? encoder.encode(classification) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
