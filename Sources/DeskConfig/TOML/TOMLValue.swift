/// A TOML value, with the line each table entry was defined on.
public indirect enum TOMLValue: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    /// An offset or local date-time, date or time, kept as written.
    case datetime(String)
    case array([TOMLValue])
    case table(TOMLTable)

    /// How the value's type is named in error messages.
    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a float"
        case .boolean: return "a boolean"
        case .datetime: return "a date-time"
        case .array: return "an array"
        case .table: return "a table"
        }
    }
}

/// A TOML table: keys in the order they were written, each with its value and line.
public struct TOMLTable: Sendable, Hashable {
    /// One key of a table.
    public struct Entry: Sendable, Hashable {
        public var value: TOMLValue
        /// The 1-based line the key was defined on.
        public var line: Int
    }

    /// The keys, in document order.
    public private(set) var keys: [String] = []
    private var entries: [String: Entry] = [:]
    /// The line of the table's header (0 for the root table).
    public var line: Int

    init(line: Int) { self.line = line }

    /// The entry for `key`, if any.
    public subscript(key: String) -> Entry? { entries[key] }

    mutating func set(_ key: String, _ entry: Entry) {
        if entries[key] == nil { keys.append(key) }
        entries[key] = entry
    }
}

/// A syntax error in a TOML document.
public struct TOMLSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}
