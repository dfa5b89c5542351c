/// Checks for free-text fields, collecting every issue instead of stopping at the first.
struct FieldRules {
    var issues: [FieldIssue] = []

    /// Text that must contain something other than white space and fit `maxLength`.
    mutating func required(_ value: String, at pointer: String, maxLength: Int) -> String {
        let trimmed = value.trimmingWhitespace()
        if trimmed.isEmpty {
            issues.append(FieldIssue(pointer: pointer, detail: "must not be empty"))
        } else {
            check(trimmed, at: pointer, maxLength: maxLength)
        }
        return trimmed
    }

    /// Text that may be absent; empty or white space counts as absent.
    mutating func optional(_ value: String?, at pointer: String, maxLength: Int) -> String? {
        guard let trimmed = value?.trimmingWhitespace(), !trimmed.isEmpty else { return nil }
        check(trimmed, at: pointer, maxLength: maxLength)
        return trimmed
    }

    /// A phase a person gives: any but `unclassified` (nil is no phase given).
    mutating func assignable(_ phase: Phase?, at pointer: String) {
        if phase == .unclassified {
            issues.append(FieldIssue(pointer: pointer, detail: "must be one of \(Phase.assignableNames)"))
        }
    }

    /// A value from a closed set, given as text.
    mutating func oneOf<Value: RawRepresentable & CaseIterable>(
        _ value: String?, at pointer: String, allowed: [Value]
    ) -> Value? where Value.RawValue == String {
        guard let value else { return nil }
        if let match = allowed.first(where: { $0.rawValue == value }) { return match }
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        issues.append(FieldIssue(pointer: pointer, detail: "must be one of \(names) (got \"\(value.clipped(40))\")"))
        return nil
    }

    private mutating func check(_ value: String, at pointer: String, maxLength: Int) {
        let length = value.count
        if length > maxLength {
            issues.append(
                FieldIssue(pointer: pointer, detail: "must be at most \(maxLength) characters (got \(length))")
            )
        }
        if value.unicodeScalars.contains(where: { $0.value == 0 }) {
            issues.append(FieldIssue(pointer: pointer, detail: "must not contain NUL characters"))
        }
    }

    /// Throws every collected issue, if there are any.
    func finish() throws(DeskError) {
        if !issues.isEmpty { throw DeskError.invalid(issues) }
    }
}

extension String {
    /// The string without leading and trailing white space and newlines.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    /// At most `limit` characters, with an ellipsis when cut.
    func clipped(_ limit: Int) -> String {
        count <= limit ? self : String(prefix(limit - 1)) + "…"
    }
}
