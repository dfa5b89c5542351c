import DeskCore
import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import DeskStorage

/// Group commit: concurrent writes share transactions, each answered only after its batch is
/// committed; a failing write rolls back only itself; a full queue refuses at once.
@Suite struct GroupCommitTests {
    /// Holds the single writer inside a transaction until `release()`, so that writes pile up.
    final class WriterGate: Sendable {
        private let gate = DispatchSemaphore(value: 0)

        /// Queues a write that blocks the writer; returns once the writer is inside it (told by the
        /// write itself, no polling), or fails if the write ended without getting there.
        func close(_ database: DeskDatabase) async throws -> Task<Void, any Error> {
            let (entered, signal) = AsyncStream<Void>.makeStream()
            let task = Task {
                defer { signal.finish() }
                try await database.write { [self] _ in
                    signal.yield()
                    gate.wait()
                }
            }
            var inside = false
            for await _ in entered {
                inside = true
                break
            }
            try #require(inside, "the writer never took the blocking write")
            return task
        }

        func release() { gate.signal() }
    }

    static func makeTable(_ database: DeskDatabase) async throws {
        try await database.write { db in try db.execute("CREATE TABLE scratch (n INTEGER NOT NULL)", []) }
    }

    static func insert(_ n: Int, into database: DeskDatabase) async throws {
        try await database.write { db in try db.execute("INSERT INTO scratch (n) VALUES (?)", [n]) }
    }

    static func count(_ database: DeskDatabase) throws -> Int {
        try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM scratch") ?? 0 }
    }

    @Test func concurrentReportsShareTransactionsAndAllArrive() async throws {
        let desk = try await CorrelatedDesk(.sqlite)
        let areas = ["bredang", "satra", "rinkeby"]
        let service = desk.desk
        let receipts = try await withThrowingTaskGroup(of: ReportReceipt.self) { group in
            for index in 0..<300 {
                group.addTask {
                    try await service.submit(
                        ReportFields(
                            area: areas[index % 3], text: "Brand i trapphus \(index), rök på våning \(index % 9)"))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.report.id)).count == 300)
        #expect(try desk.database.rowCounts()["report"] == 300)
        let stats = desk.database.writeQueueStats()
        #expect(stats.committed >= 300)
        #expect(stats.batches < stats.committed, "\(stats)")
        #expect(stats.waiting == 0 && stats.refused == 0)
        #expect(try await desk.desk.records.verify().intact)
    }

    @Test func aFailingWriteRollsBackOnlyItself() async throws {
        let directory = try TemporaryDirectory()
        let database = try DeskDatabase(path: directory.path + "/deskd.sqlite")
        try await Self.makeTable(database)
        let gate = WriterGate()
        let blocker = try await gate.close(database)
        struct Refused: Error, Equatable { let n: Int }
        let writes = (0..<50).map { n in
            Task {
                try await database.write { db in
                    try db.execute("INSERT INTO scratch (n) VALUES (?)", [n])
                    if n % 5 == 0 { throw Refused(n: n) }
                    return n
                }
            }
        }
        for _ in 0..<1000 where database.writeQueueStats().waiting < 50 {
            try await Task.sleep(for: .milliseconds(5))
        }
        gate.release()
        try await blocker.value
        var refused: [Int] = []
        for (n, write) in writes.enumerated() {
            do {
                #expect(try await write.value == n)
            } catch let error as Refused {
                refused.append(error.n)
            }
        }
        #expect(refused == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45])
        #expect(try Self.count(database) == 40)
        #expect(database.writeQueueStats().largestBatch == 50)
    }

    @Test func aFullQueueRefusesAtOnceAndTheWaitingWritesStillCommit() async throws {
        let directory = try TemporaryDirectory()
        let database = try DeskDatabase(path: directory.path + "/deskd.sqlite", writeQueueCapacity: 4)
        try await Self.makeTable(database)
        let gate = WriterGate()
        let blocker = try await gate.close(database)
        let waiting = (0..<4).map { n in
            Task { try await Self.insert(n, into: database) }
        }
        for _ in 0..<1000 where database.writeQueueStats().waiting < 4 {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(database.writeQueueStats().waiting == 4)
        await #expect(throws: DeskError.overloaded("4 writes are already waiting for the disk")) {
            try await database.write { db in try db.execute("INSERT INTO scratch (n) VALUES (99)", []) }
        }
        gate.release()
        try await blocker.value
        for write in waiting { try await write.value }
        #expect(try Self.count(database) == 4)
        #expect(database.writeQueueStats().refused == 1)
        // Room again: the next write is taken.
        try await database.write { db in try db.execute("INSERT INTO scratch (n) VALUES (5)", []) }
        #expect(try Self.count(database) == 5)
    }

    @Test func aBatchThatCannotCommitFailsEveryWriteInIt() async throws {
        let directory = try TemporaryDirectory()
        let database = try DeskDatabase(path: directory.path + "/deskd.sqlite")
        try await Self.makeTable(database)
        let gate = WriterGate()
        let blocker = try await gate.close(database)
        let good = (0..<3).map { n in
            Task { try await Self.insert(n, into: database) }
        }
        // A write that ends the batch's transaction behind the writer's back, as SQLite does
        // itself after a full disk or an I/O error: the writes before it are gone too.
        let breaker = Task { try await database.write { db in try db.execute("ROLLBACK", []) } }
        for _ in 0..<1000 where database.writeQueueStats().waiting < 4 {
            try await Task.sleep(for: .milliseconds(5))
        }
        gate.release()
        _ = try? await blocker.value
        for write in good { await #expect(throws: (any Error).self) { try await write.value } }
        await #expect(throws: (any Error).self) { try await breaker.value }
        #expect(try Self.count(database) == 0)
        // The writer carries on with the next batch.
        try await database.write { db in try db.execute("INSERT INTO scratch (n) VALUES (7)", []) }
        #expect(try Self.count(database) == 1)
    }
}
