/// A member of a JSON text column, as each engine reads it: SQLite's `json_extract`, PostgreSQL's
/// `->>` on the text cast to `json` (the column keeps the exact text it was written as).
enum SQLJSON {
    /// The member `path` (dot-separated names) of the JSON text in `column`, as text; NULL when absent.
    static func member(_ column: String, _ path: String, _ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite:
            return "json_extract(\(column), '$.\(path)')"
        case .postgresql:
            let names = path.split(separator: ".").map { "'\($0)'" }
            return "(\(column))::json #>> ARRAY[\(names.joined(separator: ", "))]"
        }
    }
}

extension SQLJSON {
    /// A subquery listing the texts of the JSON array bound at `placeholder`: SQLite's
    /// `json_each`, PostgreSQL's `json_array_elements_text`.
    static func elements(of placeholder: String, _ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite: return "SELECT value FROM json_each(\(placeholder))"
        case .postgresql: return "SELECT json_array_elements_text(CAST(\(placeholder) AS json))"
        }
    }
}

/// Time arithmetic on the desk's timestamp text (`Timestamp.format`), as each engine does it.
enum SQLTime {
    /// Whole milliseconds from the timestamp in `from` to the one in `to` (both columns of
    /// timestamp text): SQLite's `julianday` (its double carries well under a millisecond at
    /// today's dates, rounded away), PostgreSQL's interval between the texts read as `timestamptz`.
    static func milliseconds(from: String, to: String, _ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite:
            return "CAST(round((julianday(\(to)) - julianday(\(from))) * 86400000.0) AS INTEGER)"
        case .postgresql:
            return
                "CAST(round(EXTRACT(EPOCH FROM (CAST(\(to) AS timestamptz) - CAST(\(from) AS timestamptz))) * 1000) AS bigint)"
        }
    }
}
