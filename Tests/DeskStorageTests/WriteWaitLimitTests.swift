import DeskCore
import Dispatch
import GRDB
import Logging
import Synchronization
import Testing

@testable import DeskStorage

/// A write that waits too long to be taken into a batch (the batch before it held up by the
/// database: on PostgreSQL, another deskd's commit waiting for a missing standby) is answered
/// `DeskError.unavailable` (503 with Retry-After) without ever running; the writes before it and
/// after it are not affected.
@Suite struct WriteWaitLimitTests {
    @Test func aWriteStillQueuedAfterTheLimitIsAnsweredUnavailableAndNeverRuns() async throws {
        let queue = try DatabaseQueue()
        try await queue.write { db in try db.execute(sql: "CREATE TABLE scratch (n INTEGER NOT NULL)") }
        let writer = GroupCommitWriter(
            transact: { body in try queue.write { db in try body(db) } }, capacity: 8,
            logger: Logger(label: "test"), waitLimit: .milliseconds(200))
        let gate = DispatchSemaphore(value: 0)
        let (entered, signal) = AsyncStream<Void>.makeStream()
        let blocker = Task {
            try await writer.write { db in
                signal.yield()
                gate.wait()
                try db.execute("INSERT INTO scratch (n) VALUES (1)", [])
            }
        }
        for await _ in entered { break }

        let ran = Atomic<Bool>(false)
        do {
            try await writer.write { db in
                ran.store(true, ordering: .relaxed)
                try db.execute("INSERT INTO scratch (n) VALUES (2)", [])
            }
            Issue.record("a write queued behind a held batch was taken")
        } catch DeskError.unavailable(let reason) {
            #expect(reason.contains("the database took no write for 0.2 seconds"), "\(reason)")
        }
        // The batch holding the writer is still open: the refused write was answered without it.
        gate.signal()
        try await blocker.value
        try await writer.write { db in try db.execute("INSERT INTO scratch (n) VALUES (3)", []) }
        let refusedWriteRan = ran.load(ordering: .relaxed)
        #expect(!refusedWriteRan)
        #expect(try await queue.read { db in try Int.fetchAll(db, sql: "SELECT n FROM scratch ORDER BY n") } == [1, 3])
        #expect(writer.counters.waiting == 0)
    }
}
