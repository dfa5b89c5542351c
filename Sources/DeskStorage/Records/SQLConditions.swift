import GRDB

/// The `WHERE` clause of a filtered list, built term by term with its arguments in order, so that
/// each query says only which terms it has.
///
/// ```swift
/// var conditions = SQLConditions()
/// if let incident { conditions.add("incident_id = ?", incident.rawValue) }
/// conditions.add(oneOf: "state", ["open", "escalated"])
/// let sql = "SELECT * FROM followup" + conditions.whereClause + " ORDER BY due_at"
/// ```
struct SQLConditions {
    private var terms: [String] = []
    /// The arguments of every term, in the order of the terms.
    private(set) var arguments: SQLArguments = []

    /// Adds a term with one `?` per argument.
    mutating func add(_ term: String, _ values: (any DatabaseValueConvertible & Sendable)...) {
        terms.append(term)
        arguments += values.map { $0 }
    }

    /// Adds `column IN (?, …)` for `values`; no values match nothing.
    mutating func add(oneOf column: String, _ values: [some DatabaseValueConvertible & Sendable]) {
        guard !values.isEmpty else { return add("1 = 0") }
        add("\(column) IN (\(values.map { _ in "?" }.joined(separator: ", ")))")
        arguments += values.map { $0 }
    }

    /// Adds `(a OR b …)`: each alternative's terms (joined by `AND`), with their arguments.
    mutating func add(anyOf alternatives: [SQLConditions]) {
        terms.append("(" + alternatives.map { $0.terms.joined(separator: " AND ") }.joined(separator: " OR ") + ")")
        for alternative in alternatives { arguments += alternative.arguments }
    }

    /// ` WHERE a AND b …`, or nothing without terms.
    var whereClause: String { terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND ") }
}
