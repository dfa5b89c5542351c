/// Reads typed values from one TOML table, remembering which keys were read so that unknown
/// keys (usually typos) are refused instead of silently ignored.
struct ConfigTable {
    let file: String
    /// Dotted path of this table, e.g. `server`; empty for the root.
    let path: String
    let table: TOMLTable
    private var read: Set<String> = []

    init(file: String, path: String, table: TOMLTable) {
        self.file = file
        self.path = path
        self.table = table
    }

    /// The root table of a TOML document; a syntax error names the file, line and column.
    static func document(_ text: String, file: String) throws(ConfigError) -> ConfigTable {
        do {
            return ConfigTable(file: file, path: "", table: try TOMLParser.parse(text))
        } catch {
            throw ConfigError(
                file: file, line: error.line, key: nil, message: "\(error.message) (column \(error.column))")
        }
    }

    func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func error(_ name: String?, _ message: String) -> ConfigError {
        ConfigError(
            file: file, line: name.flatMap { table[$0]?.line } ?? table.line, key: name.map(key), message: message)
    }

    mutating func string(_ name: String) throws(ConfigError) -> String? {
        read.insert(name)
        guard let entry = table[name] else { return nil }
        guard case .string(let value) = entry.value else {
            throw error(name, "expected a string, got \(entry.value.typeName)")
        }
        return value
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int64>) throws(ConfigError) -> Int? {
        read.insert(name)
        guard let entry = table[name] else { return nil }
        guard case .integer(let value) = entry.value else {
            throw error(name, "expected an integer, got \(entry.value.typeName)")
        }
        guard range.contains(value) else {
            throw error(name, "\(value) is out of range (\(range.lowerBound)-\(range.upperBound))")
        }
        return Int(value)
    }

    mutating func boolean(_ name: String) throws(ConfigError) -> Bool? {
        read.insert(name)
        guard let entry = table[name] else { return nil }
        guard case .boolean(let value) = entry.value else {
            throw error(name, "expected true or false, got \(entry.value.typeName)")
        }
        return value
    }

    /// A number (integer or float) in `range`.
    mutating func number(_ name: String, in range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        read.insert(name)
        guard let entry = table[name] else { return nil }
        let value: Double
        switch entry.value {
        case .integer(let integer): value = Double(integer)
        case .float(let float): value = float
        default: throw error(name, "expected a number, got \(entry.value.typeName)")
        }
        guard range.contains(value) else {
            throw error(name, "\(value) is out of range (\(range.lowerBound)-\(range.upperBound))")
        }
        return value
    }

    /// An array of strings.
    mutating func strings(_ name: String) throws(ConfigError) -> [String]? {
        read.insert(name)
        guard let entry = table[name] else { return nil }
        guard case .array(let values) = entry.value else {
            throw error(name, "expected an array of strings, got \(entry.value.typeName)")
        }
        var result: [String] = []
        for (position, value) in values.enumerated() {
            guard case .string(let string) = value else {
                throw error(name, "item \(position + 1) should be a string, got \(value.typeName)")
            }
            result.append(string)
        }
        return result
    }

    /// The tables of an array of tables (`[[name]]`), each with its own line.
    mutating func tables(_ name: String) throws(ConfigError) -> [ConfigTable] {
        read.insert(name)
        guard let entry = table[name] else { return [] }
        guard case .array(let values) = entry.value else {
            throw error(name, "expected [[\(name)]] tables, got \(entry.value.typeName)")
        }
        var result: [ConfigTable] = []
        for (position, value) in values.enumerated() {
            guard case .table(let table) = value else {
                throw error(name, "item \(position + 1) should be a table, got \(value.typeName)")
            }
            result.append(ConfigTable(file: file, path: "\(key(name))[\(position + 1)]", table: table))
        }
        return result
    }

    /// The sub-table `name`; an empty one when absent.
    mutating func table(_ name: String) throws(ConfigError) -> ConfigTable {
        read.insert(name)
        guard let entry = table[name] else {
            return ConfigTable(file: file, path: key(name), table: TOMLTable(line: 0))
        }
        guard case .table(let value) = entry.value else {
            throw error(name, "expected a table, got \(entry.value.typeName)")
        }
        return ConfigTable(file: file, path: key(name), table: value)
    }

    /// Refuses any key that was never read.
    func rejectUnknownKeys(known: [String]? = nil) throws(ConfigError) {
        for name in table.keys where !read.contains(name) {
            let expected = (known ?? read.sorted()).joined(separator: ", ")
            throw error(name, "unknown key; expected one of \(expected)")
        }
    }
}
