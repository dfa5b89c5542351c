import DeskCore
import Foundation
import GRDB

/// A record's `Encodable` conformance turned into its columns and their values, in the order it
/// encodes them, for inserting it from a cached statement: what GRDB's `PersistenceContainer`
/// does for `insert`, without building a dictionary and the statement's text for every row.
///
/// Stores what GRDB would: `nil` as NULL (also from `encodeIfPresent`), dates as `Timestamp`
/// text, numbers, texts and booleans as themselves, and a value that encodes itself as one value
/// (an enum with a raw value) as that value. Nested objects and arrays are not columns and throw.
struct ColumnValues {
    /// The coding keys, in the order they were encoded.
    private(set) var keys: [String] = []
    /// The values, one per key.
    private(set) var values: [DatabaseValue] = []

    /// The keys and values of `value`.
    static func encode(_ value: some Encodable) throws -> ColumnValues {
        let sink = Sink()
        try value.encode(to: RowEncoder(sink: sink))
        return sink.row
    }

    /// `INSERT INTO table (columns) VALUES (?, …)` for these keys, each translated to its column
    /// by `column`.
    func insertSQL(into table: String, column: (String) -> String) -> String {
        let names = keys.map { "\"\(column($0))\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        return "INSERT INTO \"\(table)\" (\(names)) VALUES (\(marks))"
    }

    fileprivate mutating func append(_ key: String, _ value: DatabaseValue) {
        keys.append(key)
        values.append(value)
    }
}

/// Where the encoder's containers put what they are given.
private final class Sink {
    var row = ColumnValues()

    func store(_ value: DatabaseValue, forKey key: any CodingKey) { row.append(key.stringValue, value) }
}

private struct RowEncoder: Encoder {
    let sink: Sink
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(RowContainer<Key>(sink: sink))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { Unsupported<NoKey>(codingPath: codingPath) }

    func singleValueContainer() -> any SingleValueEncodingContainer { Unsupported<NoKey>(codingPath: codingPath) }
}

/// The row's columns: each key one column.
private struct RowContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: Sink
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { sink.store(.null, forKey: key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { sink.store(value.databaseValue, forKey: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { sink.store(value.databaseValue, forKey: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { sink.store(value.databaseValue, forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { sink.store(value.databaseValue, forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { sink.store(value.databaseValue, forKey: key) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        sink.store(try ColumnValue.of(value, at: [key]), forKey: key)
    }

    // Optionals store NULL rather than leaving the column out, so every row has the same columns.
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try put(value, key) }
    mutating func encodeIfPresent(_ value: (some Encodable)?, forKey key: Key) throws { try put(value, key) }

    private mutating func put(_ value: (some Encodable)?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    )
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(Unsupported<NestedKey>(codingPath: [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        Unsupported<NoKey>(codingPath: [key])
    }

    mutating func superEncoder() -> any Encoder { RowEncoder(sink: sink) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { RowEncoder(sink: sink) }
}

/// One column's value from a value that is not a plain number, text or boolean.
private enum ColumnValue {
    static func of(_ value: some Encodable, at path: [any CodingKey]) throws -> DatabaseValue {
        switch value {
        case let date as Date: return Timestamp.format(date).databaseValue
        case let convertible as any DatabaseValueConvertible: return convertible.databaseValue
        default:
            let single = SingleValue(codingPath: path)
            try value.encode(to: single)
            guard let stored = single.box.value else {
                throw EncodingError.invalidValue(
                    value, .init(codingPath: path, debugDescription: "encodes no value for its column"))
            }
            return stored
        }
    }
}

/// An encoder for one value that encodes itself as a single value (an enum with a raw value).
private struct SingleValue: Encoder, SingleValueEncodingContainer {
    final class Box { var value: DatabaseValue? }
    let box = Box()
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Unsupported<Key>(codingPath: codingPath))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { Unsupported<NoKey>(codingPath: codingPath) }
    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() throws { box.value = .null }
    func encode(_ value: Bool) throws { box.value = value.databaseValue }
    func encode(_ value: String) throws { box.value = value.databaseValue }
    func encode(_ value: Double) throws { box.value = value.databaseValue }
    func encode(_ value: Float) throws { box.value = Double(value).databaseValue }
    func encode(_ value: Int) throws { box.value = value.databaseValue }
    func encode(_ value: Int8) throws { box.value = Int64(value).databaseValue }
    func encode(_ value: Int16) throws { box.value = Int64(value).databaseValue }
    func encode(_ value: Int32) throws { box.value = Int64(value).databaseValue }
    func encode(_ value: Int64) throws { box.value = value.databaseValue }
    func encode(_ value: UInt) throws { box.value = try Self.integer(value, codingPath) }
    func encode(_ value: UInt8) throws { box.value = Int64(value).databaseValue }
    func encode(_ value: UInt16) throws { box.value = Int64(value).databaseValue }
    func encode(_ value: UInt32) throws { box.value = Int64(value).databaseValue }
    func encode(_ value: UInt64) throws { box.value = try Self.integer(value, codingPath) }
    func encode(_ value: some Encodable) throws { box.value = try ColumnValue.of(value, at: codingPath) }

    private static func integer(_ value: some BinaryInteger, _ path: [any CodingKey]) throws -> DatabaseValue {
        guard let exact = Int64(exactly: value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "too large for a column"))
        }
        return exact.databaseValue
    }
}

/// What a row cannot hold (a nested object or array, or a row that is not an object): throws as
/// soon as anything is put in it.
private struct Unsupported<Key: CodingKey>: KeyedEncodingContainerProtocol, UnkeyedEncodingContainer,
    SingleValueEncodingContainer, Encoder
{
    var codingPath: [any CodingKey]
    var count: Int { 0 }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    private func refuse() -> EncodingError {
        EncodingError.invalidValue(
            (), .init(codingPath: codingPath, debugDescription: "a nested object or array is not a column"))
    }

    mutating func encodeNil(forKey key: Key) throws { throw refuse() }
    mutating func encode(_ value: some Encodable, forKey key: Key) throws { throw refuse() }
    mutating func encodeNil() throws { throw refuse() }
    mutating func encode(_ value: some Encodable) throws { throw refuse() }

    func container<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(Unsupported<NestedKey>(codingPath: codingPath))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { self }
    func singleValueContainer() -> any SingleValueEncodingContainer { self }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    )
        -> KeyedEncodingContainer<NestedKey>
    {
        container(keyedBy: keyType)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    )
        -> KeyedEncodingContainer<NestedKey>
    {
        container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { self }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
    mutating func superEncoder() -> any Encoder { self }
    mutating func superEncoder(forKey key: Key) -> any Encoder { self }
}

/// The key of a container that has none.
private struct NoKey: CodingKey {
    var stringValue: String { "" }
    var intValue: Int? { nil }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}
