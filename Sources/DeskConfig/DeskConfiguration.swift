import DeskCore
import Foundation

/// The daemon's configuration, read from TOML (`config/deskd.toml` in development,
/// `/etc/deskd/deskd.toml` when installed).
///
/// Relative paths are taken from the daemon's working directory.
public struct DeskConfiguration: Sendable, Hashable {
    /// TCP listener as `host:port`; nil disables TCP.
    public var http: HostPort?
    /// Whether `http` may listen off loopback in plain HTTP (`[server] insecure_http`): tokens and
    /// console cookies would then cross the network in clear, so the default is to refuse it.
    public var insecureHTTP = false
    /// Unix socket path; nil disables the socket.
    public var unixSocket: String?
    /// This deskd's name among several on one database (`[server] instance`), in the journal
    /// (`DESK_INSTANCE`), `/metrics` and `STATUS=`; nil: the host's name.
    public var instance: String?
    /// Peers whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (`[server] trusted_proxies`):
    /// the TLS proxy in front of deskd. Empty: every TCP peer is the client itself.
    public var trustedProxies: [String] = []
    /// Largest request body in bytes.
    public var maxBodyBytes: Int
    /// Deepest JSON nesting accepted.
    public var maxJSONDepth: Int
    /// Directory holding the database.
    public var stateDirectory: String
    /// The areas file (JSON), synced into the database at start-up.
    public var areasFile: String
    /// Demo reports (JSON) loaded once into an empty database; nil in production.
    public var demoFile: String?
    /// Lowest log level written: trace, debug, info, notice, warning, error or critical.
    public var logLevel: String
    /// Where logs go: `auto` (the journal when stderr is connected to it, else stderr), `journal`
    /// or `stderr`.
    public var logTarget: String
    /// The classifier's lexicon (TOML).
    public var classifierRules: String
    /// Where the classifier's trained weights are (`[classifier] model_dir`, `ModelFiles`).
    public var classifierModels = "/usr/share/deskd/model"
    /// How reports are tied to open incidents.
    public var correlation: CorrelationPolicy
    /// How long an `Idempotency-Key` is remembered (`[storage] idempotency_key_hours`).
    public var idempotencyKeyHours = 24
    /// Writes allowed to wait for the disk before more are refused with 503 (`[storage] write_queue`).
    public var writeQueue = 4096
    /// Which database keeps the desk (`[storage] engine`): SQLite in the state directory (the
    /// default) or PostgreSQL at `postgresURL`.
    public var storageEngine = StorageEngine.sqlite
    /// `[storage] url` with `engine = "postgresql"`: libpq's URL form, checked when deskd opens it.
    public var postgresURL: String?
    /// `[storage] password_file` (or `password`): the PostgreSQL password, kept out of the URL.
    public var postgresPassword: String?

    /// The database engines deskd can keep the desk in.
    public enum StorageEngine: String, Sendable, CaseIterable {
        case sqlite
        case postgresql
    }
    /// How long personal data of closed incidents is kept (`[retention]`).
    public var retention = RetentionPolicy()
    /// Connection and request limits (`[limits]`).
    public var limits = Limits()

    /// `[limits]`: what one client may take of the desk.
    public struct Limits: Sendable, Hashable {
        public var maxHeaderCount = 100
        public var maxHeaderBytes = 16_384
        public var headerTimeoutSeconds = 10
        public var bodyTimeoutSeconds = 30
        public var idleTimeoutSeconds = 90
        public var maxConnections = 1024
        /// Open connections of one peer (a client address, a local uid) per listener (`max_connections_per_peer`).
        public var maxConnectionsPerPeer = 64
        /// Live event streams one principal may hold open at once (`max_streams_per_principal`).
        public var maxStreamsPerPrincipal = 4
        /// Sustained requests per second and burst, by role (`"20/100"`); admins and local peers are not limited.
        public var rates: [AccessRole: (perSecond: Double, burst: Double)] = [
            .officer: (20, 100), .responder: (10, 100), .viewer: (10, 100),
        ]
        /// Console sign-ins that succeed, per client address and per principal (`"0.0167/10"`:
        /// a burst of 10, then about one a minute).
        public var signInRate: (perSecond: Double, burst: Double) = (1.0 / 60, 10)
        /// Requests without valid credentials per client address (`"0.1/20"`: a burst of 20, then one
        /// per 10 seconds), failed sign-ins included.
        public var anonymousRate: (perSecond: Double, burst: Double) = (0.1, 20)

        public static func == (lhs: Limits, rhs: Limits) -> Bool {
            lhs.maxHeaderCount == rhs.maxHeaderCount && lhs.maxHeaderBytes == rhs.maxHeaderBytes
                && lhs.headerTimeoutSeconds == rhs.headerTimeoutSeconds
                && lhs.bodyTimeoutSeconds == rhs.bodyTimeoutSeconds && lhs.idleTimeoutSeconds == rhs.idleTimeoutSeconds
                && lhs.maxConnections == rhs.maxConnections && lhs.maxConnectionsPerPeer == rhs.maxConnectionsPerPeer
                && lhs.maxStreamsPerPrincipal == rhs.maxStreamsPerPrincipal
                && lhs.rates.mapValues { [$0.perSecond, $0.burst] } == rhs.rates.mapValues { [$0.perSecond, $0.burst] }
                && [lhs.signInRate.perSecond, lhs.signInRate.burst] == [rhs.signInRate.perSecond, rhs.signInRate.burst]
                && [lhs.anonymousRate.perSecond, lhs.anonymousRate.burst]
                    == [rhs.anonymousRate.perSecond, rhs.anonymousRate.burst]
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(maxHeaderCount)
            hasher.combine(maxConnections)
        }
    }

    /// Roles of local users and groups on the Unix socket (`[access]`).
    public var access = LocalAccessMap()
    /// Rosters, trigger policy, escalation and webhook receivers.
    public var duty: DutyConfiguration = .standard
    /// A roster (JSON, as `deskctl roster export` writes it) imported once when the desk has no
    /// responders; nil in production.
    public var demoRoster: String?

    /// The database file inside the state directory.
    public var databasePath: String { (stateDirectory as NSString).appendingPathComponent("deskd.sqlite") }

    /// A `host:port` pair.
    public struct HostPort: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

        /// Whether the host is this machine only: `localhost`, `127.0.0.0/8` or `::1`.
        public var isLoopback: Bool { DutyConfiguration.isLoopback(host) }

        /// Parses `127.0.0.1:8440`, `localhost:8440` or `[::1]:8440`.
        public init?(_ text: String) {
            let hostPart: Substring
            let portPart: Substring
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                    return nil
                }
                hostPart = text[text.index(after: text.startIndex)..<close]
                portPart = text[text.index(close, offsetBy: 2)...]
            } else {
                guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
                hostPart = text[..<colon]
                portPart = text[text.index(after: colon)...]
            }
            guard !hostPart.isEmpty, let port = Int(portPart), (0...65535).contains(port) else { return nil }
            host = String(hostPart)
            self.port = port
        }

        /// Whether `text` is a literal IPv4 or IPv6 address (no name, no port).
        public static func isIPAddress(_ text: String) -> Bool {
            var v4 = in_addr()
            var v6 = in6_addr()
            return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
        }
    }

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Reads and checks the configuration file at `path`.
    public static func load(path: String) throws(ConfigError) -> DeskConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, line: nil, key: nil, message: "cannot read the file (\(Self.reason(error)))")
        }
        return try parse(text, file: path)
    }

    /// Parses and checks configuration text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> DeskConfiguration {
        var document = try ConfigTable.document(text, file: file)

        var server = try document.table("server")
        let httpText = try server.string("http") ?? "127.0.0.1:8440"
        var http: HostPort?
        if !httpText.isEmpty {
            guard let parsed = HostPort(httpText) else {
                throw server.error(
                    "http", "\"\(httpText)\" is not host:port (e.g. 127.0.0.1:8440), or \"\" to disable TCP")
            }
            http = parsed
        }
        // Tokens and console cookies in clear text only on this host, unless told (as for receivers).
        let insecureHTTP = try server.boolean("insecure_http") ?? false
        if let http, !insecureHTTP, !http.isLoopback {
            throw server.error(
                "http",
                "\"\(httpText)\" would carry tokens and console sessions unencrypted over the network; listen on "
                    + "loopback (127.0.0.1, ::1, localhost) behind a TLS proxy, or set insecure_http = true in [server]"
            )
        }
        let unixSocket = try server.string("unix_socket") ?? "/run/deskd/deskd.sock"
        if unixSocket.utf8.count >= 108 {
            throw server.error("unix_socket", "path is longer than the 107 bytes a Unix socket allows")
        }
        let maxBody = try server.integer("max_body_bytes", in: 1024...16_777_216) ?? 65_536
        let maxDepth = try server.integer("max_json_depth", in: 2...256) ?? 32
        let proxies = try server.strings("trusted_proxies") ?? []
        for proxy in proxies where !HostPort.isIPAddress(proxy) {
            throw server.error(
                "trusted_proxies", "\"\(proxy)\" is not an IP address (e.g. \"127.0.0.1\", the proxy in front of deskd)"
            )
        }
        let instance = try server.string("instance")
        if let instance,
            instance.isEmpty || instance.utf8.count > 64
                || !instance.unicodeScalars.allSatisfy({
                    $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
                })
        {
            throw server.error(
                "instance", "\"\(instance)\" is not a name of 1-64 letters, digits, '.', '_' or '-' (e.g. \"desk-a\")")
        }
        try server.rejectUnknownKeys()
        if http == nil && unixSocket.isEmpty {
            throw server.error(nil, "both http and unix_socket are disabled; the desk would be unreachable")
        }

        var storage = try document.table("storage")
        let stateDirectory = try storage.string("state_directory") ?? "/var/lib/deskd"
        let keyHours = try storage.integer("idempotency_key_hours", in: 1...8760) ?? 24
        let writeQueue = try storage.integer("write_queue", in: 1...1_000_000) ?? 4096
        if stateDirectory.isEmpty { throw storage.error("state_directory", "must not be empty") }
        let engineName = try storage.string("engine") ?? "sqlite"
        guard let engine = StorageEngine(rawValue: engineName) else {
            throw storage.error("engine", "must be \"sqlite\" or \"postgresql\", not \"\(engineName)\"")
        }
        let postgresURL = try storage.string("url")
        let postgresPassword = try SMSReceiver.secret(&storage, "password")
        switch engine {
        case .sqlite where postgresURL != nil || postgresPassword != nil:
            throw storage.error(
                postgresURL != nil ? "url" : "password", "is only for engine = \"postgresql\" (the engine is sqlite)")
        case .postgresql where (postgresURL ?? "").isEmpty:
            throw storage.error(
                "url",
                "engine = \"postgresql\" needs url = \"postgresql://USER@HOST:PORT/DATABASE\" (libpq's URL form)")
        default: break
        }
        try storage.rejectUnknownKeys()

        var areas = try document.table("areas")
        guard let areasFile = try areas.string("file"), !areasFile.isEmpty else {
            throw areas.error(nil, "areas.file is required: the JSON file listing the areas this desk serves")
        }
        try areas.rejectUnknownKeys()

        var seeds = try document.table("seeds")
        let demo = try seeds.string("demo_reports")
        let demoRoster = try seeds.string("demo_roster")
        try seeds.rejectUnknownKeys()

        var classifier = try document.table("classifier")
        let rules = try classifier.string("rules") ?? "/etc/deskd/classifier.toml"
        if rules.isEmpty { throw classifier.error("rules", "must name the classifier's lexicon file") }
        let modelDirectory = try classifier.string("model_dir") ?? "/usr/share/deskd/model"
        if modelDirectory.isEmpty {
            throw classifier.error("model_dir", "must name the directory of the classifier's weights")
        }
        try classifier.rejectUnknownKeys()

        var correlationTable = try document.table("correlation")
        let windowMinutes = try correlationTable.integer("window_minutes", in: 0...10_080) ?? 360
        let minShared = try correlationTable.integer("min_shared_words", in: 1...20) ?? 2
        try correlationTable.rejectUnknownKeys()

        var log = try document.table("log")
        let level = try log.string("level") ?? "info"
        guard logLevels.contains(level) else {
            throw log.error("level", "\"\(level)\" is not one of \(logLevels.joined(separator: ", "))")
        }
        let target = try log.string("target") ?? "auto"
        guard ["auto", "journal", "stderr"].contains(target) else {
            throw log.error("target", "\"\(target)\" is not one of auto, journal, stderr")
        }
        try log.rejectUnknownKeys()
        let duty = try DutyConfiguration.parse(&document)
        var accessTable = try document.table("access")
        let access = LocalAccessMap(
            users: try Self.roles(&accessTable, "users") ?? ["root": .admin],
            groups: try Self.roles(&accessTable, "groups") ?? [:])
        try accessTable.rejectUnknownKeys()
        var limitsTable = try document.table("limits")
        var limits = Limits()
        limits.maxHeaderCount = try limitsTable.integer("max_header_count", in: 8...1000) ?? limits.maxHeaderCount
        limits.maxHeaderBytes =
            try limitsTable.integer("max_header_bytes", in: 1024...1_048_576) ?? limits.maxHeaderBytes
        limits.headerTimeoutSeconds =
            try limitsTable.integer("header_timeout_seconds", in: 1...600) ?? limits.headerTimeoutSeconds
        limits.bodyTimeoutSeconds =
            try limitsTable.integer("body_timeout_seconds", in: 1...600) ?? limits.bodyTimeoutSeconds
        limits.idleTimeoutSeconds =
            try limitsTable.integer("idle_timeout_seconds", in: 1...3600) ?? limits.idleTimeoutSeconds
        limits.maxConnections = try limitsTable.integer("max_connections", in: 1...100_000) ?? limits.maxConnections
        limits.maxConnectionsPerPeer =
            try limitsTable.integer("max_connections_per_peer", in: 1...100_000) ?? limits.maxConnectionsPerPeer
        limits.maxStreamsPerPrincipal =
            try limitsTable.integer("max_streams_per_principal", in: 1...256) ?? limits.maxStreamsPerPrincipal
        for role in [AccessRole.officer, .responder, .viewer] {
            guard let text = try limitsTable.string("\(role.rawValue)_rate") else { continue }
            let parts = text.split(separator: "/").compactMap { Double($0) }
            guard parts.count == 2, parts[0] >= 0, parts[1] >= 1 else {
                throw limitsTable.error(
                    "\(role.rawValue)_rate",
                    "\"\(text)\" is not PER_SECOND/BURST, e.g. \"20/100\" (\"0/1\" turns it off)")
            }
            limits.rates[role] = parts[0] == 0 ? nil : (parts[0], parts[1])
        }
        for key in ["sign_in_rate", "anonymous_rate"] {
            guard let text = try limitsTable.string(key) else { continue }
            let parts = text.split(separator: "/").compactMap { Double($0) }
            guard parts.count == 2, parts[0] > 0, parts[1] >= 1 else {
                throw limitsTable.error(
                    key, "\"\(text)\" is not PER_SECOND/BURST with both above zero, e.g. \"0.1/20\"")
            }
            if key == "sign_in_rate" { limits.signInRate = (parts[0], parts[1]) }
            if key == "anonymous_rate" { limits.anonymousRate = (parts[0], parts[1]) }
        }
        try limitsTable.rejectUnknownKeys()
        var retentionTable = try document.table("retention")
        let days = try retentionTable.integer("closed_incident_days", in: 0...36_500)
        try retentionTable.rejectUnknownKeys()
        try document.rejectUnknownKeys()

        var configuration = DeskConfiguration(
            http: http, unixSocket: unixSocket.isEmpty ? nil : unixSocket, maxBodyBytes: maxBody,
            maxJSONDepth: maxDepth, stateDirectory: stateDirectory, areasFile: areasFile,
            demoFile: (demo?.isEmpty ?? true) ? nil : demo, logLevel: level, logTarget: target, classifierRules: rules,
            correlation: CorrelationPolicy(window: TimeInterval(windowMinutes * 60), minSharedWords: minShared)
        )
        configuration.insecureHTTP = insecureHTTP
        configuration.classifierModels = modelDirectory
        configuration.duty = duty
        configuration.access = access
        configuration.trustedProxies = proxies
        configuration.instance = instance
        configuration.limits = limits
        configuration.idempotencyKeyHours = keyHours
        configuration.writeQueue = writeQueue
        configuration.storageEngine = engine
        configuration.postgresURL = postgresURL
        configuration.postgresPassword = postgresPassword
        configuration.retention = RetentionPolicy(closedIncidentDays: days == 0 ? nil : days)
        configuration.demoRoster = (demoRoster?.isEmpty ?? true) ? nil : demoRoster
        return configuration
    }

    /// `["alice:officer", "root:admin"]` as a map from name to role.
    private static func roles(_ table: inout ConfigTable, _ key: String) throws(ConfigError) -> [String: AccessRole]? {
        guard let entries = try table.strings(key) else { return nil }
        var roles: [String: AccessRole] = [:]
        for entry in entries {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let role = AccessRole(rawValue: parts[1]) else {
                throw table.error(key, "\"\(entry)\" is not NAME:ROLE with a role of \(AccessRole.names)")
            }
            roles[parts[0]] = role
        }
        return roles
    }

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            let posix = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(posix.rawValue))
        }
        return nsError.localizedDescription
    }
}
