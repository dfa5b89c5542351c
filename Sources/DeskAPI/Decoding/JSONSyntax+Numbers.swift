import DeskCore

extension JSONSyntax {
    /// A number's value as Foundation's `JSONDecoder` reads it into a `JSONValue`, so that a body's
    /// idempotency digest is what it was when the digest parsed the body again: a whole number
    /// within `Int64` is `.int` however it is written (`100`, `100.0`, `1e2`), any other number
    /// `.double`. A number beyond `Double` is `.double(±infinity)`, which `JSONValueDecoder` refuses
    /// as out of range.
    /// - Parameters:
    ///   - text: the number as written; valid JSON number syntax (the scanner has checked it).
    ///   - isInteger: true when `text` has neither a fraction nor an exponent.
    static func numberValue(_ text: String, isInteger: Bool) -> JSONValue {
        if isInteger, let whole = Int64(text) { return .int(whole) }
        // Invariant: `Double(_:)` reads every JSON number (its syntax is a subset of Swift's), giving
        // ±infinity beyond range; the nan is never reached.
        let real = Double(text) ?? .nan
        // Foundation reads a number that rounds to Int64.min (`-9223372036854775808.0`, or
        // `-9223372036854775809`) as a double, though Int64.min written whole is an Int64 (measured).
        if let whole = Int64(exactly: real), whole != .min { return .int(whole) }
        return .double(real)
    }
}
