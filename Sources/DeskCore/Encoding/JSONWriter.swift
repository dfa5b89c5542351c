import Foundation

/// Writes compact JSON straight into bytes: the desk's encoder for what it stores, hashes and
/// serves on the hot path (timeline data, classifications, API answers), where Foundation's
/// `JSONEncoder` cost more than the rest of a request.
///
/// The caller writes members in the order it wants; `JSONValue.canonicalJSON` sorts object keys,
/// so the same value always gives the same bytes. Strings are escaped as RFC 8259 requires
/// (quote, backslash, control characters) and otherwise written as UTF-8; `/` is not escaped.
/// Doubles are written in Swift's shortest round-trip form; a non-finite one as `null`.
///
/// ```swift
/// var json = JSONWriter()
/// json.object { json in
///     json.member("phase", "during")
///     json.member("confidence", 0.93)
/// }
/// // json.text == #"{"phase":"during","confidence":0.93}"#
/// ```
public struct JSONWriter: Sendable {
    /// What is written so far.
    public private(set) var bytes: [UInt8]
    /// Whether the next value in the current object or array needs a comma before it.
    private var needsComma = false

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// What is written so far, as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Values

    /// A JSON string.
    public mutating func value(_ string: String) {
        separate()
        writeString(string)
    }

    /// A JSON string, or `null`.
    public mutating func value(_ string: String?) {
        guard let string else { return null() }
        value(string)
    }

    /// A JSON integer.
    public mutating func value(_ number: Int) { value(Int64(number)) }

    /// A JSON integer, or `null`.
    public mutating func value(_ number: Int?) {
        guard let number else { return null() }
        value(Int64(number))
    }

    /// A JSON integer.
    public mutating func value(_ number: Int64) {
        separate()
        writeInteger(number)
    }

    /// A JSON number in the shortest form that reads back as the same double; `null` if not finite.
    public mutating func value(_ number: Double) {
        guard number.isFinite else { return null() }
        separate()
        if number == number.rounded(), abs(number) < 1e15 {
            // Whole numbers as Foundation writes them: `1`, not `1.0`.
            writeInteger(Int64(number))
        } else {
            bytes.append(contentsOf: number.description.utf8)
        }
    }

    /// A time as the desk writes it (`Timestamp`), or `null`; its text needs no escaping.
    public mutating func value(time: Date?) {
        guard let time else { return null() }
        separate()
        bytes.append(UInt8(ascii: "\""))
        Timestamp.append(time, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// `true` or `false`.
    public mutating func value(_ flag: Bool) {
        separate()
        bytes.append(contentsOf: flag ? Self.trueBytes : Self.falseBytes)
    }

    /// `true`, `false` or `null`.
    public mutating func value(_ flag: Bool?) {
        guard let flag else { return null() }
        value(flag)
    }

    /// `null`.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: Self.nullBytes)
    }

    /// Text that already is one JSON value (e.g. a stored canonical classification), as it is.
    public mutating func raw(_ json: String) {
        separate()
        bytes.append(contentsOf: json.utf8)
    }

    /// Bytes that already are one JSON value, as they are.
    public mutating func raw(_ json: some Sequence<UInt8>) {
        separate()
        bytes.append(contentsOf: json)
    }

    // MARK: Containers

    /// An object whose members `body` writes.
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// An array whose elements `body` writes.
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An array of `elements`, each written by `element`.
    public mutating func array<Elements: Sequence>(
        _ elements: Elements, _ element: (inout JSONWriter, Elements.Element) -> Void
    ) {
        array { json in
            for item in elements { element(&json, item) }
        }
    }

    /// The name of the next member of the current object; its value follows.
    public mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: Members

    /// `"name": "text"` (or `null`).
    public mutating func member(_ name: String, _ string: String?) {
        key(name)
        value(string)
    }

    /// `"name": 12` (or `null`).
    public mutating func member(_ name: String, _ number: Int?) {
        key(name)
        value(number)
    }

    /// `"name": 12`.
    public mutating func member(_ name: String, _ number: Int64) {
        key(name)
        value(number)
    }

    /// `"name": 0.93`.
    public mutating func member(_ name: String, _ number: Double) {
        key(name)
        value(number)
    }

    /// `"name": true` (or `null`).
    public mutating func member(_ name: String, _ flag: Bool?) {
        key(name)
        value(flag)
    }

    /// `"name": <raw JSON>`, or `null` without it.
    public mutating func member(_ name: String, raw json: String?) {
        key(name)
        if let json { raw(json) } else { null() }
    }

    // MARK: Bytes

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    private mutating func writeInteger(_ number: Int64) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        // 20 digits hold any UInt64; they are made from the last digit back.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }

    private mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = string
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
            if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)
}
