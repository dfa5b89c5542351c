import PostgresNIO

/// Operator-facing text for PostgreSQL failures, told apart by the server's SQLSTATE and
/// postgres-nio's error code, never by the text of a message.
enum PostgresErrorText {
    static func describe(_ error: PSQLError) -> String {
        if let state = error.serverInfo?[.sqlState] {
            let message = error.serverInfo?[.message] ?? ""
            switch state.prefix(2) {
            case "08", "57": return "the PostgreSQL server is unreachable or shutting down (SQLSTATE \(state))"
            case "53": return "the PostgreSQL server is out of resources (SQLSTATE \(state): \(message))"
            case "25" where state == "25006": return "the PostgreSQL server is read-only (a standby)"
            case "55" where state == "55P03":
                return "another write holds the database's write turn (its commit may be waiting for a standby)"
            case "40": return "the PostgreSQL transaction was aborted (SQLSTATE \(state)); retry"
            default: return "PostgreSQL error \(state): \(message)"
            }
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return "the PostgreSQL server is unreachable (the connection was lost)"
        default:
            return "PostgreSQL error: \(error.code)"
        }
    }

    /// Whether the connection must be dropped and another made before the next use: it is gone,
    /// or its server no longer takes writes (another host of the URL may).
    static func needsNewConnection(_ error: any Error) -> Bool {
        isConnectionLost(error) || isReadOnly(error)
    }

    /// Whether the server refused a write because it is read-only (SQLSTATE 25006: a standby, or a
    /// primary demoted or made read-only).
    static func isReadOnly(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "25006"
    }

    /// Whether the error means the connection itself is gone (connect again before the next use).
    static func isConnectionLost(_ error: any Error) -> Bool {
        if error is PostgresConnectionLost || error is PostgresUnreachable { return true }
        guard let error = error as? PSQLError else { return false }
        if let state = error.serverInfo?[.sqlState] { return state.hasPrefix("08") || state.hasPrefix("57P") }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown: return true
        default: return false
        }
    }
}
