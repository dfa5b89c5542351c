import Foundation

/// A classification as the desk keeps it with a report or an incident: its canonical JSON, made
/// once when the report arrives and then stored, listed and served as these bytes, and the
/// verdict itself, decoded from them only where a rule needs it (a split, a confirmation).
public struct StoredClassification: Sendable, Hashable {
    /// The canonical JSON (sorted keys, compact) of the classification.
    public let json: String
    /// The report's language (`so`), as the classification named it; nil for one stored before
    /// languages were named. Read from the JSON without decoding the rest, and only when asked
    /// (a list of incidents read for the correlator or the timers never asks).
    public var language: String? { decoded.map { $0.language } ?? Self.member("language", in: json) }
    /// Why the report needs review (`needs someone who reads Somali`), when it says.
    public var reviewReason: String? { Self.member("review_reason", in: json) }
    private let decoded: Classification?

    /// Keeps `classification`, encoding it once.
    public init(_ classification: Classification) {
        json = classification.canonicalJSON
        decoded = classification
    }

    /// A classification as stored (`json` is what `canonicalJSON` wrote, or an older JSON form).
    public init(storedJSON json: String) {
        self.json = json
        decoded = nil
    }

    /// A top-level string member of canonical JSON, found by its key: `language` and
    /// `review_reason` come before the only nested objects and arrays (`probabilities`, `scores`,
    /// `signals`), and inside a JSON string a quote is always escaped, so `"key":"` cannot occur
    /// there. Nil when absent or not a plain string (an escape in it: then decode the whole).
    static func member(_ key: String, in json: String) -> String? {
        // Byte by byte over the UTF-8: a list of 50 incidents asks this of each, and Foundation's
        // range(of:) on a String costs far more than the search itself.
        let pattern = Array("\"\(key)\":\"".utf8)
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var text = json
        return text.withUTF8 { bytes -> String? in
            guard bytes.count > pattern.count else { return nil }
            var start = 0
            search: while start <= bytes.count - pattern.count {
                for offset in 0..<pattern.count where bytes[start + offset] != pattern[offset] {
                    start += 1
                    continue search
                }
                let valueStart = start + pattern.count
                var end = valueStart
                while end < bytes.count, bytes[end] != quote {
                    if bytes[end] == backslash { return nil }
                    end += 1
                }
                guard end < bytes.count else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<end]), as: UTF8.self)
            }
            return nil
        }
    }

    /// The verdict; decoded from the stored text when this was read back.
    public func value() throws -> Classification {
        if let decoded { return decoded }
        return try JSONDecoder().decode(Classification.self, from: Data(json.utf8))
    }

    public static func == (lhs: StoredClassification, rhs: StoredClassification) -> Bool { lhs.json == rhs.json }

    public func hash(into hasher: inout Hasher) { hasher.combine(json) }
}

extension Classification {
    /// Compact JSON with sorted keys, members as the API shows them; absent optionals are left out.
    public var canonicalJSON: String {
        var json = JSONWriter(capacity: 512 + signals.count * 96)
        write(to: &json)
        return json.text
    }

    /// Writes the canonical JSON of the classification.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("category", category.rawValue)
            json.member("confidence", confidence)
            json.member("decided_by", decidedBy.rawValue)
            if let language { json.member("language", language) }
            json.member("needs_review", needsReview)
            json.member("phase", phase.rawValue)
            if let probabilities {
                json.key("probabilities")
                Self.write(probabilities, to: &json)
            }
            if let reviewReason { json.member("review_reason", reviewReason) }
            json.key("scores")
            Self.write(scores, to: &json)
            json.member("severity", severity)
            json.key("signals")
            json.array(signals) { json, signal in
                json.object { json in
                    json.member("kind", signal.kind)
                    json.member("matched", signal.matched)
                    json.member("rule", signal.rule)
                    json.member("term", signal.term)
                    json.member("vote", signal.vote)
                    json.member("weight", signal.weight)
                }
            }
        }
    }

    private static func write(_ numbers: [String: Double], to json: inout JSONWriter) {
        json.object { json in
            for key in numbers.keys.sorted() { json.member(key, numbers[key] ?? 0) }
        }
    }
}
