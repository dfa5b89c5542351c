import DeskCore

/// A strict JSON (RFC 8259) parser that says where the first error is, limits nesting, and
/// records each object's member names in document order, which Foundation's decoder does not
/// report. A request body is parsed once, here: the member check, the typed decode
/// (`JSONValueDecoder`) and the idempotency digest all read the `Parsed` it returns.
struct JSONSyntax {
    /// The first syntax error: what, and where (1-based line and column, 0-based byte offset).
    struct Failure: Error, Equatable {
        var message: String
        var line: Int
        var column: Int
        var offset: Int

        /// `unexpected ',' at line 2, column 5 (byte 17)`.
        var description: String { "\(message) at line \(line), column \(column) (byte \(offset))" }
    }

    /// The member names of every object, by JSON pointer, in document order.
    struct Shape: Equatable {
        var members: [String: [String]] = [:]
        /// True when the whole document is a JSON object.
        var isObject = false
    }

    /// A parsed document: its value, and the member names of its objects.
    struct Parsed: Sendable {
        /// The document's value; numbers are classified as Foundation's `JSONDecoder` reads them
        /// into a `JSONValue` (`JSONSyntax+Numbers.swift`).
        var value: JSONValue
        /// The member names of every object, by JSON pointer, in document order.
        var shape: Shape
    }

    private let bytes: [UInt8]
    private let maxDepth: Int
    private var index = 0
    private var shape = Shape()

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses `bytes`: its value and the member names of its objects.
    static func parse(_ bytes: [UInt8], maxDepth: Int) throws(Failure) -> Parsed {
        var scanner = JSONSyntax(bytes: bytes, maxDepth: maxDepth)
        if let invalid = firstInvalidUTF8(bytes) { throw scanner.failure("invalid UTF-8", at: invalid) }
        scanner.skipWhitespace()
        guard scanner.index < bytes.count else { throw scanner.failure("empty body; expected a JSON object") }
        scanner.shape.isObject = bytes[scanner.index] == UInt8(ascii: "{")
        let value = try scanner.value(pointer: "", depth: 1)
        scanner.skipWhitespace()
        if scanner.index < bytes.count { throw scanner.failure("unexpected data after the JSON value") }
        return Parsed(value: value, shape: scanner.shape)
    }

    private mutating func value(pointer: String, depth: Int) throws(Failure) -> JSONValue {
        guard depth <= maxDepth else { throw failure("nesting deeper than \(maxDepth) levels") }
        guard index < bytes.count else { throw failure("unexpected end of input; expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(pointer: pointer, depth: depth)
        case UInt8(ascii: "["): return try array(pointer: pointer, depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected \(describe(bytes[index])); expected a value")
        }
    }

    private mutating func object(pointer: String, depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var names: [String] = []
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            shape.members[pointer] = names
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else { throw failure("expected a member name in double quotes") }
            let nameStart = index
            let name = try string()
            guard members[name] == nil else { throw failure("duplicate member \"\(name)\"", at: nameStart) }
            names.append(name)
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw failure("expected ':' after member name") }
            index += 1
            skipWhitespace()
            members[name] = try value(pointer: pointer + "/" + Self.escapePointer(name), depth: depth + 1)
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
            } else if peek(UInt8(ascii: "}")) {
                index += 1
                shape.members[pointer] = names
                return .object(members)
            } else {
                throw failure(
                    index < bytes.count
                        ? "unexpected \(describe(bytes[index])); expected ',' or '}'"
                        : "unexpected end of input; expected ',' or '}'")
            }
        }
    }

    private mutating func array(pointer: String, depth: Int) throws(Failure) -> JSONValue {
        index += 1
        skipWhitespace()
        var elements: [JSONValue] = []
        if peek(UInt8(ascii: "]")) {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value(pointer: pointer + "/" + String(elements.count), depth: depth + 1))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
            } else if peek(UInt8(ascii: "]")) {
                index += 1
                return .array(elements)
            } else {
                throw failure(
                    index < bytes.count
                        ? "unexpected \(describe(bytes[index])); expected ',' or ']'"
                        : "unexpected end of input; expected ',' or ']'")
            }
        }
    }

    /// Reads a string starting at the opening quote and returns its decoded value.
    private mutating func string() throws(Failure) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ scanner: JSONSyntax, _ end: Int) {
            scalars.append(contentsOf: String(decoding: scanner.bytes[runStart..<end], as: UTF8.self).unicodeScalars)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(self, index)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw failure("unescaped control character in string") }
            if byte == UInt8(ascii: "\\") {
                flush(self, index)
                scalars.append(try escape())
                runStart = index
                continue
            }
            index += 1
        }
        throw failure("unterminated string")
    }

    private mutating func escape() throws(Failure) -> Unicode.Scalar {
        let start = index
        index += 1
        guard index < bytes.count else { throw failure("unterminated escape", at: start) }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4(escapeStart: start)
            if (0xDC00...0xDFFF).contains(high) { throw failure("lone low surrogate \\u escape", at: start) }
            if (0xD800...0xDBFF).contains(high) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw failure("high surrogate \\u escape without its low surrogate", at: start) }
                index += 2
                let low = try hex4(escapeStart: start)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw failure("high surrogate \\u escape without its low surrogate", at: start)
                }
                let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                return Unicode.Scalar(value) ?? "\u{FFFD}"
            }
            return Unicode.Scalar(high) ?? "\u{FFFD}"
        default:
            throw failure("invalid escape \\\(describeRaw(byte))", at: start)
        }
    }

    private mutating func hex4(escapeStart: Int) throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("incomplete \\u escape", at: escapeStart) }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("invalid \\u escape", at: escapeStart)
            }
            value = value << 4 | digit
        }
        index += 4
        return value
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        var isInteger = true
        if peek(UInt8(ascii: "-")) { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid number", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) {
                throw failure("numbers must not have leading zeros", at: start)
            }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: ".")) {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("expected digits after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("expected digits in exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        return Self.numberValue(String(decoding: bytes[start..<index], as: UTF8.self), isInteger: isInteger)
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, bytes[index..<index + expected.count].elementsEqual(expected)
        else { throw failure("invalid literal; expected \(word)") }
        index += expected.count
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func describe(_ byte: UInt8) -> String {
        "'\(describeRaw(byte))'"
    }

    private func describeRaw(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }

    private func failure(_ message: String, at offset: Int? = nil) -> Failure {
        let offset = min(offset ?? index, bytes.count)
        var line = 1
        var column = 1
        for byte in bytes[0..<offset] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Failure(message: message, line: line, column: column, offset: offset)
    }

    /// `~` and `/` escaped as RFC 6901 requires.
    static func escapePointer(_ name: String) -> String {
        name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
