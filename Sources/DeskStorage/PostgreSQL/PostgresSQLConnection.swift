import DeskCore
import Foundation
import GRDB
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// One PostgreSQL connection as the shared row code uses it (`SQLConnection`): synchronous, each
/// statement one round trip of the extended protocol, waited for on the caller's thread — a thread
/// of the writer's or a reader's own queue, never Swift's cooperative pool, so waiting blocks no
/// request. Rows are turned into GRDB `Row`s by column name. Statements whose answer the caller
/// does not read (`BEGIN`, savepoints, enqueued writes) are sent without waiting, and enqueued
/// inserts ride in the next insert's statement (`PostgresHeldInserts`): a report costs the writer
/// one wait and the server three statements (its savepoint, its rows, the savepoint's release).
///
/// Connects on first use, to the first host in the URL that answers (and, with
/// `target_session_attrs=read-write` or for the writer, accepts writes); a connection that is lost,
/// or whose server has become read-only (demoted: SQLSTATE 25006), is dropped and the next use
/// connects again, so that a promoted standby is found.
///
/// `@unchecked Sendable`: `connection` and `depth` are only touched by the one queue that owns
/// this object (the writer's, or one reader's), one statement at a time.
final class PostgresSQLConnection: SQLConnection, @unchecked Sendable {
    let dialect = SQLDialect.postgresql
    private let url: PostgresURL
    private let password: String?
    private let logger: Logger
    /// Statements run right after connecting (session settings).
    private let setup: [String]
    /// Whether only a server that takes writes will do, whatever the URL's `target_session_attrs`.
    private let writable: Bool
    /// Called when the connection is dropped because its server no longer takes writes.
    private let onDemoted: @Sendable () -> Void
    /// When the open transaction must have ended (see `transaction(within:)`), if it must.
    private var transactionDeadline: NIODeadline?
    private var connection: PostgresConnection?
    /// Savepoints open now.
    private var depth = 0
    /// Whether a transaction is open (`BEGIN` sent, no `COMMIT`/`ROLLBACK` yet).
    private(set) var isInsideTransaction = false
    /// Statements sent without waiting for their answer (`BEGIN`, `SAVEPOINT`, …): the server
    /// runs a connection's statements in order, so they share the next statement's round trip, and
    /// their answers are checked when that statement's has come.
    private var inFlight: [InFlight] = []
    /// Whether the open transaction is a pipelined batch (`transaction(pipelined: true)`): no
    /// savepoint per write, and nothing waited for before `COMMIT` but what a read needs.
    private var pipelining = false
    /// The first error met in a pipelined batch, whoever caught it since: the batch is not
    /// committed but run again one write at a time (`PipelineAbandoned`).
    private var pipelineFailure: (any Error)?
    /// Inserts enqueued and not sent yet: they ride with the next statement (see
    /// `PostgresHeldInserts`).
    private var held = PostgresHeldInserts()
    /// The longest wait for one answer (`answerDeadline`); the migrations lift it while they run
    /// (`PostgresMigrations.migrate`), as they lift the server's `statement_timeout`.
    var answerLimit = PostgresSQLConnection.answerDeadline

    /// `writable`: connect only to a server that takes writes (the writer); `onDemoted`: told when
    /// the connection is dropped because its server has become read-only.
    init(
        url: PostgresURL, password: String?, logger: Logger, setup: [String] = [], writable: Bool = false,
        onDemoted: @escaping @Sendable () -> Void = {}
    ) {
        self.url = url
        self.password = password ?? url.password
        self.logger = logger
        self.setup = setup
        self.writable = writable
        self.onDemoted = onDemoted
    }

    // MARK: SQLConnection

    func forEach(_ sql: String, _ arguments: SQLArguments, cached: Bool, _ body: (Row) throws -> Void) throws {
        let result = try run(sql, arguments)
        for row in result.rows { try body(try Self.row(row)) }
    }

    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try run(sql, arguments).metadata.rows ?? 0
    }

    func enqueue(_ sql: String, _ arguments: SQLArguments) throws {
        let connection = try connected()
        if PostgresHeldInserts.canHold(sql) {
            held.hold(sql, arguments)
            // A pipelined batch's inserts go in statements of a bounded size.
            if held.count >= PostgresHeldInserts.limit { try sendHeld(on: connection) }
            return
        }
        try sendHeld(on: connection)
        inFlight.append(InFlight(connection.query(try Self.query(sql, arguments), logger: logger)))
    }

    func enqueue(
        _ sql: String, _ arguments: SQLArguments, changing count: Int,
        otherwise failure: @escaping @Sendable () -> any Error
    ) throws {
        guard pipelining else {
            guard try execute(sql, arguments) == count else { throw failure() }
            return
        }
        let connection = try connected()
        try sendHeld(on: connection)
        let future = connection.query(try Self.query(sql, arguments), logger: logger)
        inFlight.append(
            InFlight(future) { result in
                guard (result.metadata.rows ?? 0) == count else { throw failure() }
            })
    }

    func settle() throws {
        // A pipelined batch waits for its statements once, before its COMMIT.
        guard !pipelining else { return }
        try settleNow()
    }

    /// Sends what is held and waits for every statement sent without waiting.
    private func settleNow() throws {
        guard !inFlight.isEmpty || !held.isEmpty else { return }
        let connection = try connected()
        do {
            try sendHeld(on: connection)
            try settle(on: connection)
        } catch {
            lost(error, connection)
            throw error
        }
    }

    func savepoint(_ body: () throws -> Bool) throws {
        depth += 1
        let name = "desk_\(depth)"
        defer { depth -= 1 }
        if pipelining && depth == 1 {
            // A write of a pipelined batch has no savepoint of its own: if it fails, the batch is
            // run again one write at a time, each in a savepoint (`GroupCommitWriter`).
            guard try body() else {
                throw PipelineAbandoned(underlying: StorageFailure("a write of the batch rolled itself back"))
            }
            return
        }
        try send("SAVEPOINT \(name)")
        let keep: Bool
        do {
            keep = try body()
            // What the body enqueued is part of it: its error is the body's, not the next write's.
            if keep { try settleNow() }
        } catch {
            held.drop()
            if PostgresErrorText.needsNewConnection(error) { throw error }
            // The statements still in flight failed with the first error or were skipped by the
            // server (the savepoint is aborted): what counts is `error`.
            drainInFlight()
            try run("ROLLBACK TO SAVEPOINT \(name)", [])
            try run("RELEASE SAVEPOINT \(name)", [])
            throw error
        }
        if !keep {
            held.drop()
            try run("ROLLBACK TO SAVEPOINT \(name)", [])
        }
        try send("RELEASE SAVEPOINT \(name)")
    }

    // MARK: Transactions

    /// Runs `body` in a transaction and commits it; rolls back and rethrows when `body` throws.
    /// `readOnly`: a read-only snapshot (`REPEATABLE READ`), for reads that take several statements.
    /// `within`: the longest the transaction may take, its `COMMIT` included; when a statement's
    /// answer has not come by then, the connection is dropped (the transaction fails as lost).
    /// `pipelined`: a batch of writes sent without waiting (see `GroupCommitWriter`): every
    /// statement's answer is checked before `COMMIT` is sent, and any error met on the way, even
    /// one a write caught, throws `PipelineAbandoned` instead of committing.
    func transaction<Value>(
        readOnly: Bool = false, within limit: TimeAmount? = nil, pipelined: Bool = false,
        _ body: (PostgresSQLConnection) throws -> Value
    ) throws -> Value {
        transactionDeadline = limit.map { .now() + $0 }
        pipelining = pipelined
        pipelineFailure = nil
        defer {
            transactionDeadline = nil
            pipelining = false
            pipelineFailure = nil
        }
        try send(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
        isInsideTransaction = true
        do {
            let value = try body(self)
            if pipelined {
                // Every answer and row count is in before COMMIT is sent: a wrong count does not
                // abort the server's transaction, so COMMIT would keep it.
                try settleNow()
                if let failure = pipelineFailure { throw PipelineAbandoned(underlying: failure) }
            }
            if readOnly {
                // Nothing to make durable: its answer is checked with the next statement's.
                try send("COMMIT")
            } else {
                do {
                    try run("COMMIT", [])
                } catch  where PostgresErrorText.isConnectionLost(error) {
                    // Sent, never answered: the server may have committed it (or may still, when
                    // the commit waits for a standby).
                    throw PostgresCommitUnconfirmed(
                        underlying: (error as? PSQLError).map(PostgresErrorText.describe) ?? "\(error)")
                }
            }
            isInsideTransaction = false
            return value
        } catch {
            isInsideTransaction = false
            held.drop()
            if connection != nil, !PostgresErrorText.needsNewConnection(error) { _ = try? run("ROLLBACK", []) }
            if pipelined, !(error is PipelineAbandoned) { throw PipelineAbandoned(underlying: error) }
            throw error
        }
    }

    deinit {
        // postgres-nio wants a connection closed before it goes: close it, and keep it until it is.
        guard let connection, !connection.isClosed else { return }
        connection.close().whenComplete { _ in _ = connection }
    }

    /// Closes the connection (the next use connects again).
    func close() {
        guard let connection else { return }
        self.connection = nil
        try? connection.close().wait()
    }

    // MARK: Statements

    @discardableResult
    private func run(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        let connection = try connected()
        var statement = (sql: sql, arguments: arguments)
        if !held.isEmpty {
            if PostgresHeldInserts.canCarry(sql) {
                statement = held.carried(by: sql, arguments)
            } else {
                try sendHeld(on: connection)
            }
        }
        let query = try Self.query(statement.sql, statement.arguments)
        let answer = Result {
            try Self.answer(
                connection.query(query, logger: logger), from: connection,
                within: transactionDeadline.map { $0 - .now() }, limit: answerLimit)
        }
        do {
            // A statement sent earlier that failed is the first error (this one then failed too).
            try settle(on: connection)
            return try answer.get()
        } catch {
            if pipelining, pipelineFailure == nil { pipelineFailure = error }
            lost(error, connection)
            throw error
        }
    }

    /// Sends a statement without waiting for its answer (see `inFlight`).
    private func send(_ sql: String) throws {
        let connection = try connected()
        try sendHeld(on: connection)
        inFlight.append(InFlight(connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)))
    }

    /// Sends the held inserts, as one statement, without waiting.
    private func sendHeld(on connection: PostgresConnection) throws {
        guard let statement = held.combined() else { return }
        inFlight.append(InFlight(connection.query(try Self.query(statement.sql, statement.arguments), logger: logger)))
    }

    /// A statement with its `?` placeholders numbered and its arguments bound.
    private static func query(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQuery {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments { try bind(argument?.databaseValue ?? .null, into: &binds) }
        return PostgresQuery(unsafeSQL: PostgresPlaceholders.numbered(sql), binds: binds)
    }

    /// Waits for the statements sent without waiting (each at most `answerDeadline`, and no later
    /// than the transaction's deadline); throws the first one's error.
    private func settle(on connection: PostgresConnection) throws {
        guard !inFlight.isEmpty else { return }
        let sent = inFlight
        inFlight = []
        var failure: (any Error)?
        for statement in sent {
            do {
                let result = try Self.answer(
                    statement.future, from: connection, within: transactionDeadline.map { $0 - .now() },
                    limit: answerLimit)
                try statement.check?(result)
            } catch {
                failure = failure ?? error
            }
        }
        if let failure {
            if pipelining, pipelineFailure == nil { pipelineFailure = failure }
            throw failure
        }
    }

    /// Waits for the statements sent without waiting and forgets their errors (a savepoint being
    /// rolled back, whose error is already known).
    private func drainInFlight() {
        guard let connection else {
            inFlight = []
            return
        }
        do { try settle(on: connection) } catch { lost(error, connection) }
    }

    /// Drops a connection that an error shows is gone, or whose server no longer takes writes.
    private func lost(_ error: any Error, _ connection: PostgresConnection) {
        guard PostgresErrorText.needsNewConnection(error) || connection.isClosed else { return }
        self.connection = nil
        inFlight = []
        held.drop()
        isInsideTransaction = false
        try? connection.close().wait()
        if PostgresErrorText.isReadOnly(error) {
            logger.warning("the PostgreSQL server no longer takes writes (demoted); connecting to a writable host")
            onDemoted()
        }
    }

    private func connected() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        if connection != nil {
            connection = nil
            inFlight = []
            held.drop()
            // Connecting again mid-transaction would lose what the transaction wrote so far.
            if isInsideTransaction {
                isInsideTransaction = false
                throw PostgresConnectionLost()
            }
        }
        let opened = try PostgresConnector.connect(to: url, password: password, logger: logger, writable: writable)
        connection = opened
        depth = 0
        for statement in setup {
            _ = try Self.answer(opened.query(PostgresQuery(unsafeSQL: statement), logger: logger), from: opened)
        }
        return opened
    }

    /// How long an answer is waited for before its connection is given up: the server's own
    /// `statement_timeout` (30 s) and a margin. A server that is gone without a word (its machine
    /// lost, its process stopped) neither answers nor closes the connection; without a deadline
    /// the writer and the readers would wait for it forever, and every request with them.
    static let answerDeadline = TimeAmount.seconds(35)

    /// Waits for `future` at most `limit` (`answerDeadline`; or `deadline`, when sooner), then closes
    /// `connection` (which fails the wait, and everything else sent on it, as a lost connection:
    /// 503, nothing acknowledged).
    static func answer<Value>(
        _ future: EventLoopFuture<Value>, from connection: PostgresConnection, within deadline: TimeAmount? = nil,
        limit: TimeAmount = answerDeadline
    ) throws -> Value {
        let wait = min(deadline ?? limit, limit)
        let giveUp = future.eventLoop.scheduleTask(in: max(wait, .zero)) {
            let closing: EventLoopFuture<Void> = connection.close()
            _ = closing
        }
        defer { giveUp.cancel() }
        return try future.wait()
    }

    /// A statement sent without waiting, and what its answer must show (a row count), if anything.
    private struct InFlight {
        let future: EventLoopFuture<PostgresQueryResult>
        let check: ((PostgresQueryResult) throws -> Void)?

        init(_ future: EventLoopFuture<PostgresQueryResult>, check: ((PostgresQueryResult) throws -> Void)? = nil) {
            self.future = future
            self.check = check
        }
    }

    // MARK: Values

    private static func bind(_ value: DatabaseValue, into binds: inout PostgresBindings) throws {
        switch value.storage {
        case .null: binds.appendNull()
        case .int64(let number): binds.append(number)
        case .double(let number): binds.append(number)
        case .string(let text): binds.append(text)
        case .blob(let data): binds.append(ByteBuffer(bytes: data))
        }
    }

    /// A row as GRDB's `Row`, its values converted by the column's type.
    private static func row(_ row: PostgresRow) throws -> Row {
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        for cell in row {
            values[cell.columnName] = try value(cell)
        }
        return Row(values)
    }

    private static func value(_ cell: PostgresCell) throws -> DatabaseValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: return try cell.decode(Int64.self).databaseValue
        case .float4, .float8: return try cell.decode(Double.self).databaseValue
        case .bool: return (try cell.decode(Bool.self) ? 1 : 0).databaseValue
        case .bytea:
            var buffer = try cell.decode(ByteBuffer.self)
            return Data(buffer.readBytes(length: buffer.readableBytes) ?? []).databaseValue
        case .numeric:
            let text = try cell.decode(String.self)
            if let number = Int64(text) { return number.databaseValue }
            return (Double(text) ?? 0).databaseValue
        default: return try cell.decode(String.self).databaseValue
        }
    }
}

/// `?` placeholders numbered as PostgreSQL wants them (`$1`, `$2`, …), outside quoted text;
/// each statement's text is worked out once.
enum PostgresPlaceholders {
    private static let known = Mutex<[String: String]>([:])

    static func numbered(_ sql: String) -> String {
        if let done = known.withLock({ $0[sql] }) { return done }
        var result = ""
        var number = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?" && !quoted {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        known.withLock { known in
            // Dynamic statements (lists as long as their input) must not grow this without bound.
            if known.count > 2000 { known.removeAll() }
            known[sql] = result
        }
        return result
    }
}

/// Opening a connection to the first suitable host of a URL.
enum PostgresConnector {
    /// Tries each host in order; with `target_session_attrs=read-write` or `writable`, skips one
    /// that is read-only (a standby, or a demoted primary). Throws `PostgresUnreachable` listing
    /// why each failed.
    static func connect(
        to url: PostgresURL, password: String?, logger: Logger, writable: Bool = false
    ) throws -> PostgresConnection {
        var failures: [String] = []
        for host in url.hosts {
            do {
                let connection = try open(host, url: url, password: password, logger: logger)
                if url.requiresReadWrite || writable {
                    let result = try PostgresSQLConnection.answer(
                        connection.query("SHOW transaction_read_only", logger: logger), from: connection,
                        within: .seconds(Int64(url.connectTimeout)))
                    let readOnly = try result.rows.first.map { try $0.decode(String.self) } ?? "on"
                    if readOnly != "off" {
                        try? connection.close().wait()
                        failures.append("\(describe(host)): read-only (a standby)")
                        continue
                    }
                }
                return connection
            } catch {
                failures.append("\(describe(host)): \(reason(error))")
            }
        }
        throw PostgresUnreachable(url: url, failures: failures)
    }

    private static func open(
        _ host: PostgresURL.Host, url: PostgresURL, password: String?, logger: Logger
    ) throws -> PostgresConnection {
        var configuration: PostgresConnection.Configuration
        if host.isSocketDirectory {
            configuration = .init(
                unixSocketPath: host.socketPath, username: url.user, password: password, database: url.database)
        } else {
            configuration = .init(
                host: host.name, port: host.port, username: url.user, password: password, database: url.database,
                tls: try tls(url.sslMode))
        }
        configuration.options.connectTimeout = .milliseconds(Int64(url.connectTimeout * 1000))
        configuration.options.additionalStartupParameters = [("application_name", url.applicationName)]
        return try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
            id: Int.random(in: 1...Int(Int32.max)), logger: logger
        ).wait()
    }

    private static func tls(_ mode: PostgresURL.SSLMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer, .require:
            // libpq's prefer and require encrypt without checking the certificate.
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            let context = try NIOSSLContext(configuration: configuration)
            return mode == .prefer ? .prefer(context) : .require(context)
        case .verifyFull:
            return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    private static func describe(_ host: PostgresURL.Host) -> String {
        host.isSocketDirectory ? host.socketPath : "\(host.name):\(host.port)"
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(underlying)" }
            return PostgresErrorText.describe(error)
        }
        return "\(error)"
    }
}

/// No host of the URL could be used.
public struct PostgresUnreachable: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(url: PostgresURL, failures: [String]) {
        description = "no usable PostgreSQL server for \(url): " + failures.joined(separator: "; ")
    }
}

/// The connection was lost while `COMMIT` waited for its answer: the transaction may have been
/// committed (or may be, when the server's commit waits for a synchronous standby).
struct PostgresCommitUnconfirmed: Error, CustomStringConvertible {
    let underlying: String
    var description: String { "the PostgreSQL server did not confirm the commit (\(underlying))" }
}

/// The connection was lost in the middle of a transaction: nothing of it was committed.
struct PostgresConnectionLost: Error, CustomStringConvertible {
    var description: String {
        "the connection to the PostgreSQL server was lost; nothing of the transaction was committed"
    }
}
