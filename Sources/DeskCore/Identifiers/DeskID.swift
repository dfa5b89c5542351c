import Foundation

/// A time-ordered identifier (UUIDv7, RFC 9562) in its canonical lower-case text form.
///
/// Text order is creation order, so ids sort and page by time without a second column.
/// Example: `0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9d`.
public struct DeskID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The canonical text: 36 characters, lower-case hex with hyphens at 8, 13, 18 and 23.
    public let rawValue: String

    /// Parses an id from text; accepts upper or lower case, returns nil for anything else.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                out.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): out.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): out.append(byte + 32)
            default: return nil
            }
        }
        self.rawValue = String(decoding: out, as: UTF8.self)
    }

    /// Builds an id from 16 raw bytes: each byte as two lower-case hex digits, written straight
    /// into the text's storage (a new id is made for every event on the writer's path).
    init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "a UUID has 16 bytes")
        let digits: StaticString = "0123456789abcdef"
        self.rawValue = String(unsafeUninitializedCapacity: 36) { text in
            digits.withUTF8Buffer { digits in
                var at = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[at] = UInt8(ascii: "-")
                        at += 1
                    }
                    text[at] = digits[Int(byte >> 4)]
                    text[at + 1] = digits[Int(byte & 0x0F)]
                    at += 2
                }
                return at
            }
        }
    }

    /// The millisecond timestamp a UUIDv7 carries in its first 48 bits.
    public var timestamp: Date {
        let hex = rawValue.replacingOccurrences(of: "-", with: "").prefix(12)
        let milliseconds = UInt64(hex, radix: 16) ?? 0
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    public var description: String { rawValue }

    public static func < (lhs: DeskID, rhs: DeskID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = DeskID(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an id: \(text)")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
