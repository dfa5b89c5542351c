import AsyncHTTPClient
import DeskAPI
import DeskCore
import DeskTestSupport
import Foundation
import GRDB
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

@testable import DeskStorage

/// A real deskd API on a loopback TCP port and a Unix socket in a temporary directory.
final class TestServer: Sendable {
    let directory: String
    let database: any DeskStorageBackend
    let desk: Desk
    let access: AccessControl
    /// The live event streams' hub, fed by the desk's observer as in deskd.
    let events: EventHub
    /// An admin token, sent on every TCP request that brings no Authorization header of its own.
    let adminToken: String
    let tcpPort: Int
    let socketPath: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    static let areas = [
        Area(id: "bredang", name: "Bredäng", city: "Stockholm", neighbours: ["satra"]),
        Area(id: "satra", name: "Sätra", city: "Stockholm", neighbours: ["bredang"]),
        Area(id: "rinkeby", name: "Rinkeby", city: "Stockholm"),
        Area(id: "rosengard", name: "Rosengård", city: "Malmö"),
    ]

    private init(
        directory: String, database: any DeskStorageBackend, desk: Desk, access: AccessControl,
        events: EventHub, adminToken: String, tcpPort: Int, socketPath: String,
        group: ServiceGroup, task: Task<Void, any Error>
    ) {
        self.directory = directory
        self.database = database
        self.desk = desk
        self.access = access
        self.events = events
        self.adminToken = adminToken
        self.tcpPort = tcpPort
        self.socketPath = socketPath
        self.group = group
        self.task = task
    }

    /// Starts a server, runs `body` with it and always stops it.
    static func with<Result>(
        settings: APISettings = APISettings(), correlation: CorrelationPolicy = CorrelationPolicy(window: 0),
        policy: TriggerPolicy = .standard, clock: any WallClock = SystemWallClock(),
        textReceiver: String? = nil,
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result {
        let server = try await start(
            settings: settings, correlation: correlation, policy: policy, clock: clock,
            textReceiver: textReceiver)
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// Starts a server on `clock` (the desk's, the tokens' and the console sessions' time).
    static func start(
        settings: APISettings, correlation: CorrelationPolicy = CorrelationPolicy(window: 0),
        policy: TriggerPolicy = .standard, clock: any WallClock = SystemWallClock(),
        textReceiver: String? = nil
    ) async throws -> TestServer {
        // Short: Unix socket paths are limited to 107 bytes.
        let directory = "/tmp/desk-api-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = try openDatabase(in: directory)
        _ = try database.syncAreas(areas)
        let metrics = DeskMetrics(databaseBytes: { 4096 }, writeQueue: { database.writeQueueStats() })
        let hub = EventHub()
        let memory = AccessMemory()
        let effects = APIEffects(metrics: metrics, events: hub, access: memory)
        let store = database.store
        let duty = DutySettings(
            policy: policy, calendar: LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt),
            textReceiver: textReceiver)
        let desk = Desk(
            store: store, clock: clock,
            settings: LiveSettings(DeskSettings(correlation: correlation, duty: duty)), classifier: shippedClassifier,
            observers: [effects.observe])
        try await desk.incidents.reloadAreas()
        let tokens = TokenAuthority(store: store, commands: desk.commands, clock: clock, memory: memory)
        // The console's sessions in the test's database, as deskd keeps them.
        let sessions = ConsoleSessions(store: store, now: { clock.now() })
        let access = AccessControl(local: LocalAccessMap(), tokens: tokens, console: sessions)
        let adminToken = try await tokens.create(
            name: "test-admin", role: .admin, responderID: nil, expiresAt: nil, by: .desk
        ).secret
        let socketPath = directory + "/deskd.sock"
        var logger = Logger(label: "deskd-test")
        logger.logLevel = .error
        let (bound, continuation) = AsyncStream<Listener>.makeStream()
        let services = try DeskServer.services(
            desk: desk, access: access, settings: settings,
            listeners: [.tcp(host: "127.0.0.1", port: 0), .unix(path: socketPath)],
            logger: logger, metrics: metrics, events: hub,
            onListening: { listener in
                if case .tcp(let host, let port) = listener { access.console.listening(host: host, port: port) }
                continuation.yield(listener)
            }
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: (services + [EventHubService(hub: hub)]).map {
                    ServiceGroupConfiguration.ServiceConfiguration(service: $0)
                }, logger: logger
            )
        )
        let task = Task { try await group.run() }
        var port = 0
        var seen = 0
        for await listener in bound {
            if case .tcp(_, let actual) = listener { port = actual }
            seen += 1
            if seen == 2 { break }
        }
        return TestServer(
            directory: directory, database: database, desk: desk, access: access,
            events: hub, adminToken: adminToken, tcpPort: port, socketPath: socketPath,
            group: group,
            task: task
        )
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
        try database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Sends one request over `transport` and returns the whole response.
    func send(
        _ transport: Transport, _ method: HTTPMethod, _ path: String, body: String? = nil,
        contentType: String? = "application/json", headers: [(String, String)] = []
    ) async throws -> TestResponse {
        let url: String
        switch transport {
        case .unix: url = URL(httpURLWithSocketPath: socketPath, uri: path)?.absoluteString ?? ""
        case .tcp, .internalSource, .sms: url = "http://127.0.0.1:\(tcpPort)\(path)"
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(string: body))
        }
        if transport == .tcp && !headers.contains(where: { $0.0.lowercased() == "authorization" }) {
            request.headers.add(name: "Authorization", value: "Bearer \(adminToken)")
        }
        for (name, value) in headers where !value.isEmpty { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return TestResponse(
            status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
    }
}

/// A response as the test saw it.
struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var contentType: String? { headers.first(name: "Content-Type") }

    /// The body as a JSON object.
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(text)")
        }
        return object
    }

    /// The body decoded with the API's decoder.
    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try DeskAPIModelsDecoder.decode(type, body)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Every combination the tests run over.
let transports: [Transport] = [.tcp, .unix]

extension TestServer {
    /// Adds first-aider `r-b`, who covers Bredäng only, and returns a responder token bound to them.
    func bredangResponderToken() async throws -> String {
        _ = try await desk.addResponder(
            Responder(id: "r-b", name: "B", contact: "+46 70 174 06 12", roles: [.firstAid], areas: ["bredang"]),
            actor: .system)
        return try await access.tokens.create(
            name: "r-b", role: .responder, responderID: "r-b", expiresAt: nil, by: .desk
        ).secret
    }
}

extension TestServer {
    /// The engine the API tests run on: SQLite, or PostgreSQL when DESK_TEST_API_ENGINE is
    /// `postgresql` (make test runs the API suite once more that way, in the test cluster).
    static let engine = ProcessInfo.processInfo.environment["DESK_TEST_API_ENGINE"] ?? "sqlite"

    /// A new database of `engine` for a server in `directory`.
    static func openDatabase(in directory: String) throws -> any DeskStorageBackend {
        guard engine == "postgresql" else { return try DeskDatabase(path: directory + "/deskd.sqlite") }
        guard let cluster = ProcessInfo.processInfo.environment["DESK_TEST_POSTGRES_URL"] else {
            throw StorageFailure("DESK_TEST_API_ENGINE=postgresql needs DESK_TEST_POSTGRES_URL (a test cluster)")
        }
        var url = try PostgresURL(cluster)
        let admin = PostgresSQLConnection(url: url, password: nil, logger: Logger(label: "test.postgres"))
        defer { admin.close() }
        url.database = "api_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try admin.execute("CREATE DATABASE \(url.database)", [])
        // Two readers: a test server answers a few requests at a time, and many run at once.
        return try PostgresDeskDatabase(
            url: url, password: nil, readers: 2, backupDirectory: directory + "/state/backups")
    }

    /// Every row of a query, read around the desk (either engine).
    func rows(_ sql: String) throws -> [Row] {
        switch database {
        case let sqlite as DeskDatabase: return try sqlite.pool.read { db in try db.rows(sql) }
        case let postgres as PostgresDeskDatabase: return try postgres.transaction { db in try db.rows(sql) }
        default: throw StorageFailure("unknown engine")
        }
    }

    /// The first column of every row of a query, read around the desk (either engine).
    func column<Value: DatabaseValueConvertible & Sendable>(_ type: Value.Type, _ sql: String) throws -> [Value] {
        switch database {
        case let sqlite as DeskDatabase: return try sqlite.pool.read { db in try db.values(type, sql) }
        case let postgres as PostgresDeskDatabase: return try postgres.transaction { db in try db.values(type, sql) }
        default: throw StorageFailure("unknown engine")
        }
    }
}

/// Console sessions kept as deskd keeps them, in a fresh database of the suite's engine (for
/// tests of the session table itself, without a server).
final class SessionTable: Sendable {
    let sessions: ConsoleSessions
    private let directory: String
    private let database: any DeskStorageBackend

    init(
        codeLifetime: TimeInterval = 300, maxSessions: Int = 10_000, maxSessionsPerPrincipal: Int = 10,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        directory = "/tmp/desk-sessions-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try TestServer.openDatabase(in: directory)
        sessions = ConsoleSessions(
            store: database.store, codeLifetime: codeLifetime, maxSessions: maxSessions,
            maxSessionsPerPrincipal: maxSessionsPerPrincipal, now: now)
    }

    deinit {
        try? database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
