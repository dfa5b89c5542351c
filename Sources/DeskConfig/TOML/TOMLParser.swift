import Foundation

/// Parses TOML 1.0: comments, bare, quoted and dotted keys, `[tables]` and `[[arrays of
/// tables]]`, the four string forms, integers (decimal, hex, octal, binary), floats, booleans,
/// date-times (kept as text), arrays and inline tables.
public struct TOMLParser {
    private final class Node {
        var table: TOMLTable
        var children: [String: Node] = [:]
        var arrays: [String: [Node]] = [:]
        /// Defined by a `[header]` or by key/value pairs: may not be defined again by a header.
        var explicitlyDefined = false
        /// Created by an inline table or a value: closed to later additions.
        var sealed = false

        init(line: Int) { table = TOMLTable(line: line) }

        func build() -> TOMLTable {
            var result = table
            for (key, child) in children {
                result.set(key, .init(value: .table(child.build()), line: child.table.line))
            }
            for (key, nodes) in arrays {
                result.set(
                    key, .init(value: .array(nodes.map { .table($0.build()) }), line: nodes.first?.table.line ?? 0))
            }
            return result
        }
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    /// Parses a whole document into its root table.
    public static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var parser = TOMLParser(bytes: Array(text.utf8))
        return try parser.document()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func document() throws(TOMLSyntaxError) -> TOMLTable {
        let root = Node(line: 0)
        var current = root
        while true {
            skipBlank()
            guard let byte = peek() else { break }
            if byte == UInt8(ascii: "\n") {
                newline()
                continue
            }
            if byte == UInt8(ascii: "[") {
                current = try header(root: root)
            } else {
                try keyValue(into: current)
            }
            try endOfLine()
        }
        return root.build()
    }

    // MARK: Tables

    private mutating func header(root: Node) throws(TOMLSyntaxError) -> Node {
        let headerLine = line
        index += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { index += 1 }
        skipSpaces()
        let path = try key()
        skipSpaces()
        try expect("]")
        if isArray { try expect("]") }
        var node = root
        for (position, part) in path.enumerated() {
            let last = position == path.count - 1
            if last && isArray {
                if node.children[part] != nil || node.table[part] != nil {
                    throw error("\(part) is already defined and is not an array of tables")
                }
                let element = Node(line: headerLine)
                element.explicitlyDefined = true
                node.arrays[part, default: []].append(element)
                return element
            }
            if let elements = node.arrays[part], let lastElement = elements.last {
                // [a.b] under [[a]] goes into a's last element; [a] itself would redefine the array.
                if last { throw error("\(part) is already defined as an array of tables") }
                node = lastElement
                continue
            }
            if node.table[part] != nil { throw error("\(part) is already defined as a value") }
            if let child = node.children[part] {
                if child.sealed { throw error("\(part) is an inline table and cannot be extended") }
                if last {
                    if child.explicitlyDefined {
                        throw error("table [\(path.joined(separator: "."))] is defined twice")
                    }
                    child.explicitlyDefined = true
                    child.table.line = headerLine
                }
                node = child
            } else {
                let child = Node(line: headerLine)
                child.explicitlyDefined = last
                node.children[part] = child
                node = child
            }
        }
        return node
    }

    private mutating func keyValue(into table: Node) throws(TOMLSyntaxError) {
        let keyLine = line
        let path = try key()
        skipSpaces()
        try expect("=")
        skipSpaces()
        let value = try self.value()
        var node = table
        for part in path.dropLast() {
            if node.table[part] != nil { throw error("\(part) is already defined as a value") }
            if let child = node.children[part] {
                if child.sealed { throw error("\(part) is an inline table and cannot be extended") }
                node = child
            } else {
                let child = Node(line: keyLine)
                node.children[part] = child
                node = child
            }
            node.explicitlyDefined = true
        }
        guard let name = path.last else { throw error("expected a key") }
        if node.table[name] != nil || node.children[name] != nil || node.arrays[name] != nil {
            throw error("key \(path.joined(separator: ".")) is defined twice")
        }
        node.table.set(name, .init(value: value, line: keyLine))
    }

    private mutating func key() throws(TOMLSyntaxError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let byte = peek() else { throw error("expected a key") }
            if byte == UInt8(ascii: "\"") {
                parts.append(try basicString())
            } else if byte == UInt8(ascii: "'") {
                parts.append(try literalString())
            } else {
                let start = index
                while let byte = peek(), isBareKey(byte) { index += 1 }
                guard index > start else { throw error("expected a key, found \(describe(byte))") }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { return parts }
            index += 1
        }
    }

    // MARK: Values

    private mutating func value() throws(TOMLSyntaxError) -> TOMLValue {
        guard let byte = peek() else { throw error("expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            return .string(startsWith("\"\"\"") ? try multilineBasicString() : try basicString())
        case UInt8(ascii: "'"):
            return .string(startsWith("'''") ? try multilineLiteralString() : try literalString())
        case UInt8(ascii: "["):
            return try array()
        case UInt8(ascii: "{"):
            return try inlineTable()
        default:
            return try scalar()
        }
    }

    private mutating func scalar() throws(TOMLSyntaxError) -> TOMLValue {
        let start = index
        while let byte = peek(), !isValueEnd(byte) { index += 1 }
        // A date-time may have one space between date and time.
        if peek() == UInt8(ascii: " "), index - start == 10, index + 1 < bytes.count, isDigit(bytes[index + 1]) {
            index += 1
            while let byte = peek(), !isValueEnd(byte) { index += 1 }
        }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        if token.isEmpty { throw error("expected a value") }
        switch token {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if let value = Self.integer(token) { return .integer(value) }
        if Self.isDateTime(token) { return .datetime(token) }
        if let value = Self.float(token) { return .float(value) }
        index = start
        throw error("invalid value \(token); strings need quotes")
    }

    static func integer(_ token: String) -> Int64? {
        guard validUnderscores(token) else { return nil }
        let clean = token.replacingOccurrences(of: "_", with: "")
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where clean.hasPrefix(prefix) {
            return Int64(clean.dropFirst(2), radix: radix)
        }
        let digits = clean.hasPrefix("+") || clean.hasPrefix("-") ? clean.dropFirst() : Substring(clean)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        if digits.count > 1, digits.hasPrefix("0") { return nil }
        return Int64(clean)
    }

    static func float(_ token: String) -> Double? {
        guard validUnderscores(token) else { return nil }
        let clean = token.replacingOccurrences(of: "_", with: "")
        guard clean.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }),
            clean.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
            !clean.hasPrefix("."), !clean.hasSuffix("."), !clean.contains(".e"), !clean.contains(".E")
        else { return nil }
        return Double(clean)
    }

    /// Whether `token` is a TOML date-time, date or time (RFC 3339 with TOML's relaxations: `T`,
    /// `t` or one space between date and time; local forms without an offset), with every field in
    /// range: a month of 1-12, a day that the month has, hours 0-23, minutes and seconds 0-59.
    static func isDateTime(_ token: String) -> Bool {
        let text = Array(token.utf8)
        var at = 0
        func digits(_ count: Int) -> Int? {
            guard at + count <= text.count else { return nil }
            var value = 0
            for byte in text[at..<at + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            at += count
            return value
        }
        func take(_ character: Character) -> Bool {
            guard at < text.count, text[at] == character.asciiValue else { return false }
            at += 1
            return true
        }
        func time() -> Bool {
            guard let hour = digits(2), hour < 24, take(":"), let minute = digits(2), minute < 60, take(":"),
                let second = digits(2), second < 60
            else { return false }
            if take(".") {
                let start = at
                while at < text.count, text[at] >= UInt8(ascii: "0"), text[at] <= UInt8(ascii: "9") { at += 1 }
                if at == start { return false }
            }
            return true
        }
        // A local time alone.
        if text.count >= 3, text[2] == UInt8(ascii: ":") { return time() && at == text.count }
        guard let year = digits(4), take("-"), let month = digits(2), (1...12).contains(month), take("-"),
            let day = digits(2), day >= 1, day <= Self.days(inMonth: month, of: year)
        else { return false }
        if at == text.count { return true }
        guard at < text.count, [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(text[at]) else {
            return false
        }
        at += 1
        guard time() else { return false }
        if at == text.count { return true }
        if take("Z") || take("z") { return at == text.count }
        guard take("+") || take("-"), let hours = digits(2), hours < 24, take(":"), let minutes = digits(2),
            minutes < 60
        else { return false }
        return at == text.count
    }

    private static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func validUnderscores(_ token: String) -> Bool {
        !token.hasPrefix("_") && !token.hasSuffix("_") && !token.contains("__")
    }

    private mutating func array() throws(TOMLSyntaxError) -> TOMLValue {
        index += 1
        var values: [TOMLValue] = []
        while true {
            skipBlankAndNewlines()
            if peek() == UInt8(ascii: "]") {
                index += 1
                return .array(values)
            }
            values.append(try value())
            skipBlankAndNewlines()
            if peek() == UInt8(ascii: ",") {
                index += 1
            } else if peek() == UInt8(ascii: "]") {
                index += 1
                return .array(values)
            } else {
                throw error("expected ',' or ']' in array")
            }
        }
    }

    private mutating func inlineTable() throws(TOMLSyntaxError) -> TOMLValue {
        let node = Node(line: line)
        index += 1
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .table(node.build())
        }
        while true {
            skipSpaces()
            try keyValue(into: node)
            skipSpaces()
            if peek() == UInt8(ascii: ",") {
                index += 1
            } else if peek() == UInt8(ascii: "}") {
                index += 1
                node.sealed = true
                return .table(node.build())
            } else {
                throw error("expected ',' or '}' in inline table")
            }
        }
    }

    // MARK: Strings

    private mutating func basicString() throws(TOMLSyntaxError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                scalars.append(try escape())
            case UInt8(ascii: "\n"):
                throw error("unterminated string")
            default:
                if byte < 0x20 && byte != 0x09 || byte == 0x7F { throw error("control character in string") }
                scalars.append(contentsOf: takeUTF8Scalar())
            }
        }
        throw error("unterminated string")
    }

    private mutating func multilineBasicString() throws(TOMLSyntaxError) -> String {
        index += 3
        if peek() == UInt8(ascii: "\n") { newline() }
        var scalars = String.UnicodeScalarView()
        while let byte = peek() {
            if startsWith("\"\"\"") {
                index += 3
                // Up to two quotes may directly precede the closing delimiter.
                var extra = 0
                while peek() == UInt8(ascii: "\""), extra < 2 {
                    scalars.append("\"")
                    index += 1
                    extra += 1
                }
                return String(scalars)
            }
            if byte == UInt8(ascii: "\\") {
                // A backslash at the end of a line trims the newline and leading white space.
                var look = index + 1
                while look < bytes.count, bytes[look] == 0x20 || bytes[look] == 0x09 { look += 1 }
                if look < bytes.count, bytes[look] == UInt8(ascii: "\n") || bytes[look] == UInt8(ascii: "\r") {
                    index = look
                    while let next = peek(), next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D {
                        if next == 0x0A { newline() } else { index += 1 }
                    }
                    continue
                }
                scalars.append(try escape())
            } else if byte == UInt8(ascii: "\n") {
                scalars.append("\n")
                newline()
            } else {
                scalars.append(contentsOf: takeUTF8Scalar())
            }
        }
        throw error("unterminated multi-line string")
    }

    private mutating func literalString() throws(TOMLSyntaxError) -> String {
        index += 1
        let start = index
        while let byte = peek() {
            if byte == UInt8(ascii: "'") {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\n") { break }
            index += 1
        }
        throw error("unterminated literal string")
    }

    private mutating func multilineLiteralString() throws(TOMLSyntaxError) -> String {
        index += 3
        if peek() == UInt8(ascii: "\n") { newline() }
        let start = index
        while peek() != nil {
            if startsWith("'''") {
                var end = index
                index += 3
                while peek() == UInt8(ascii: "'"), index - end < 5 {
                    index += 1
                    end += 1
                }
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
            if peek() == UInt8(ascii: "\n") { newline() } else { index += 1 }
        }
        throw error("unterminated multi-line literal string")
    }

    private mutating func escape() throws(TOMLSyntaxError) -> Unicode.Scalar {
        index += 1
        guard let byte = peek() else { throw error("unterminated escape") }
        index += 1
        switch byte {
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            guard index + count <= bytes.count,
                let value = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(value)
            else { throw error("invalid unicode escape") }
            index += count
            return scalar
        default:
            index -= 1
            throw error("invalid escape \\\(describe(byte))")
        }
    }

    // MARK: Lexing

    private mutating func takeUTF8Scalar() -> String.UnicodeScalarView {
        let start = index
        index += 1
        while let byte = peek(), byte & 0xC0 == 0x80 { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self).unicodeScalars
    }

    private mutating func endOfLine() throws(TOMLSyntaxError) {
        skipBlank()
        guard let byte = peek() else { return }
        guard byte == UInt8(ascii: "\n") else { throw error("expected the end of the line, found \(describe(byte))") }
        newline()
    }

    /// Skips spaces, tabs, carriage returns before a newline, and a comment.
    private mutating func skipBlank() {
        skipSpaces()
        if peek() == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
        if peek() == UInt8(ascii: "#") {
            while let byte = peek(), byte != UInt8(ascii: "\n") { index += 1 }
        }
    }

    private mutating func skipBlankAndNewlines() {
        while true {
            skipBlank()
            guard peek() == UInt8(ascii: "\n") else { return }
            newline()
        }
    }

    private mutating func skipSpaces() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 { index += 1 }
    }

    private mutating func newline() {
        index += 1
        line += 1
        lineStart = index
    }

    private mutating func expect(_ character: Character) throws(TOMLSyntaxError) {
        guard let ascii = character.asciiValue, peek() == ascii else {
            throw error("expected '\(character)'" + (peek().map { ", found \(describe($0))" } ?? ""))
        }
        index += 1
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private func startsWith(_ text: String) -> Bool {
        let pattern = Array(text.utf8)
        return index + pattern.count <= bytes.count && bytes[index..<index + pattern.count].elementsEqual(pattern)
    }

    private func isBareKey(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    private func isValueEnd(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ",")
            || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "#")
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(UnicodeScalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private func error(_ message: String) -> TOMLSyntaxError {
        let column = String(decoding: bytes[lineStart..<min(index, bytes.count)], as: UTF8.self).count + 1
        return TOMLSyntaxError(line: line, column: column, message: message)
    }
}
