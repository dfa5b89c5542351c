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
}
