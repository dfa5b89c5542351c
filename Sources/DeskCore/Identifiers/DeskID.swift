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

    /// Builds an id from 16 raw bytes.
    init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "a UUID has 16 bytes")
        let hex = bytes.map { byte -> String in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
        var text = ""
        text.reserveCapacity(36)
        for (index, character) in hex.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { text.append("-") }
            text.append(character)
        }
        self.rawValue = text
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
