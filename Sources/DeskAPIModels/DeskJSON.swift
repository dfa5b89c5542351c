import DeskCore
import Foundation

/// The JSON conventions of the API, shared by the server and `deskctl`: snake_case members
/// (spelled out in each type), RFC 3339 times in UTC with milliseconds.
public enum DeskJSON {
    /// An encoder for API bodies.
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return encoder
    }

    /// A decoder for API bodies; times must be RFC 3339 with a zone (`Z` or an offset).
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom(date(from:))
        return decoder
    }

    /// A time from `decoder`'s single value, by the API's rule: an RFC 3339 string with a zone.
    public static func date(from decoder: any Decoder) throws -> Date {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "must be an RFC 3339 time with a zone, such as 2026-11-22T14:05:00Z (got \"\(text)\")"
            )
        }
        return date
    }
}

/// RFC 3339 times: parsed with or without fractional seconds, with `Z` or an offset;
/// formatted in UTC with milliseconds (`2026-11-22T14:05:00.000Z`).
public enum RFC3339 {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    private static let withoutFraction = Date.ISO8601FormatStyle(timeZone: .gmt)

    /// The text form of `date`.
    public static func format(_ date: Date) -> String {
        Timestamp.format(date)
    }

    /// The instant `text` names, or nil when it is not an RFC 3339 date-time with a zone.
    public static func parse(_ text: String) -> Date? {
        guard text.count >= 20, text.count <= 40 else { return nil }
        if let date = try? withFraction.parse(text) { return date }
        return try? withoutFraction.parse(text)
    }
}
