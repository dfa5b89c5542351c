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
