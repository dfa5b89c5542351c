import Foundation

/// Where a PostgreSQL desk lives, in libpq's URL form:
/// `postgresql://USER[:PASSWORD]@HOST[:PORT][,HOST2[:PORT2]…]/DATABASE?PARAMETER=VALUE&…`.
///
/// Several hosts are tried in order; with `target_session_attrs=read-write` only one that accepts
/// writes is used (a standby is skipped). A host that starts with `/` (written `%2F…` in the URL,
/// or given as `?host=/run/postgresql`) is a Unix-socket directory. Understood parameters: `host`,
/// `port`, `user`, `password`, `dbname`, `sslmode` (`disable`, `prefer`, `require`,
/// `verify-full`), `target_session_attrs` (`any`, `read-write`), `connect_timeout` (seconds),
/// `application_name`. Any other parameter is refused, so that a misspelt one never passes silently.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    /// One server to try.
    public struct Host: Sendable, Hashable {
        /// A host name or address, or a Unix-socket directory (starts with `/`).
        public var name: String
        public var port: Int

        /// Whether `name` is a Unix-socket directory.
        public var isSocketDirectory: Bool { name.hasPrefix("/") }

        /// The socket file in that directory (`.s.PGSQL.PORT`, as libpq names it).
        public var socketPath: String { name + "/.s.PGSQL.\(port)" }
    }

    /// How to use TLS.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var hosts: [Host]
    public var user: String
    /// From the URL itself; `password_file` in `[storage]` is the better place.
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// Only a server that accepts writes (not a standby) is used.
    public var requiresReadWrite: Bool
    public var connectTimeout: TimeInterval
    public var applicationName: String

    /// Parses `text`; throws `PostgresURLError` saying what is wrong with it.
    public init(_ text: String) throws {
        guard let schemeEnd = text.range(of: "://") else {
            throw PostgresURLError("it must start with postgresql:// (or postgres://)")
        }
        let scheme = text[..<schemeEnd.lowerBound]
        guard scheme == "postgresql" || scheme == "postgres" else {
            throw PostgresURLError("the scheme is \(scheme), not postgresql")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = try Self.decode(credentials[..<colon], "user")
                password = try Self.decode(credentials[credentials.index(after: colon)...], "password")
            } else {
                user = try Self.decode(credentials, "user")
            }
        }
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0], "parameter name")
            guard parts.count == 2 else { throw PostgresURLError("the parameter \(name) has no value") }
            guard Self.known.contains(name) else {
                throw PostgresURLError(
                    "unknown parameter \(name) (known: \(Self.known.sorted().joined(separator: ", ")))")
            }
            parameters[name] = try Self.decode(parts[1], name)
        }
        let defaultPort = try parameters["port"].map { try Self.port($0) } ?? 5432
        var hosts: [Host] = []
        for item in rest.split(separator: ",", omittingEmptySubsequences: false) where !(rest.isEmpty) {
            hosts.append(try Self.host(item, defaultPort: defaultPort))
        }
        if let socket = parameters["host"] {
            hosts = try socket.split(separator: ",").map { try Self.host($0, defaultPort: defaultPort) }
        }
        guard !hosts.isEmpty else {
            throw PostgresURLError("it names no host (e.g. postgresql://deskd@localhost/desk or ?host=/run/postgresql)")
        }
        self.hosts = hosts
        self.user = parameters["user"] ?? user ?? ""
        guard !self.user.isEmpty else { throw PostgresURLError("it names no user (postgresql://USER@HOST/DATABASE)") }
        self.password = parameters["password"] ?? password
        let database = try parameters["dbname"] ?? Self.decode(path, "database")
        guard !database.isEmpty else {
            throw PostgresURLError("it names no database (postgresql://USER@HOST/DATABASE)")
        }
        self.database = database
        let defaultSSL: SSLMode = hosts.allSatisfy(\.isSocketDirectory) ? .disable : .prefer
        guard let ssl = parameters["sslmode"].map({ SSLMode(rawValue: $0) }) ?? defaultSSL else {
            throw PostgresURLError(
                "sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        sslMode = ssl
        switch parameters["target_session_attrs"] ?? "any" {
        case "any": requiresReadWrite = false
        case "read-write": requiresReadWrite = true
        case let other: throw PostgresURLError("target_session_attrs must be any or read-write, not \(other)")
        }
        if let timeout = parameters["connect_timeout"] {
            guard let seconds = Int(timeout), seconds > 0, seconds <= 300 else {
                throw PostgresURLError("connect_timeout must be a whole number of seconds from 1 to 300")
            }
            connectTimeout = TimeInterval(seconds)
        } else {
            connectTimeout = 5
        }
        applicationName = parameters["application_name"] ?? "deskd"
    }

    private static let known: Set<String> = [
        "host", "port", "user", "password", "dbname", "sslmode", "target_session_attrs", "connect_timeout",
        "application_name",
    ]

    private static func decode(_ text: Substring, _ what: String) throws -> String {
        guard let decoded = String(text).removingPercentEncoding else {
            throw PostgresURLError("the \(what) has a malformed %-escape")
        }
        return decoded
    }

    private static func port(_ text: String) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw PostgresURLError("the port \(text) is not a number from 1 to 65535")
        }
        return port
    }

    private static func host(_ item: Substring, defaultPort: Int) throws -> Host {
        let text = try decode(item, "host")
        guard !text.isEmpty else { throw PostgresURLError("a host in the list is empty") }
        if text.hasPrefix("/") { return Host(name: text, port: defaultPort) }
        if text.hasPrefix("[") {  // [IPv6]:port
            guard let close = text.firstIndex(of: "]") else { throw PostgresURLError("the host \(text) lacks its ]") }
            let name = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if after.isEmpty { return Host(name: name, port: defaultPort) }
            guard after.hasPrefix(":") else { throw PostgresURLError("the host \(text) is malformed") }
            return Host(name: name, port: try port(String(after.dropFirst())))
        }
        if let colon = text.lastIndex(of: ":") {
            return Host(name: String(text[..<colon]), port: try port(String(text[text.index(after: colon)...])))
        }
        return Host(name: text, port: defaultPort)
    }

    /// The URL without its password, for logs and errors.
    public var description: String {
        let list = hosts.map { $0.isSocketDirectory ? "\($0.name) (socket)" : "\($0.name):\($0.port)" }
        return "postgresql://\(user)@\(list.joined(separator: ","))/\(database)"
            + (requiresReadWrite ? "?target_session_attrs=read-write" : "")
    }
}

/// What is wrong with a PostgreSQL URL.
public struct PostgresURLError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) { self.description = description }
}
