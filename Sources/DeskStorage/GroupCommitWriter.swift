import DeskCore
import Foundation
import GRDB
import Logging
import Synchronization

/// Group commit: every write of the desk (reports with their timeline events, notes, call-out
/// changes, roster edits) waits in one bounded queue; a single writer takes whatever is waiting
/// into one transaction and answers each caller only after `COMMIT` returned (on SQLite with
/// `synchronous=FULL`, after the fsync; on PostgreSQL with `synchronous_commit` on, after the WAL
/// flush). Under load many writes share one fsync; alone, a write
/// commits at once.
///
/// Each write runs in its own savepoint, so one that fails (a conflict, a refused change) rolls
/// back only itself. If the transaction as a whole fails — `COMMIT` cannot reach the disk, the
/// engine aborted it, or the connection to the server was lost — every write of the batch fails with that error: nothing is acknowledged
/// that is not on disk.
///
/// When `capacity` writes are already waiting, new ones are refused at once with
/// `DeskError.overloaded` instead of growing memory. The log gets one warning when refusing
/// starts and one notice when the queue has drained to half, not one line per refused request.
final class GroupCommitWriter: Sendable {
    private struct State {
        var pending: [any PendingWrite] = []
        var draining = false
        var counters = WriteQueueStats(batches: 0, committed: 0, refused: 0, waiting: 0, largestBatch: 0)
        /// Refused since the queue last filled up; nil while writes are accepted.
        var refusedThisEpisode: Int?
    }

    private let transact: BatchTransaction
    /// The engine's pipelined transaction, if it has one (PostgreSQL): tried first for each batch.
    private let pipelined: BatchTransaction?
    private let capacity: Int
    private let maximumBatch: Int
    private let logger: Logger
    private let onBatchFailure: @Sendable () -> Void
    /// How long a write may wait to be taken into a batch before it is answered
    /// `DeskError.unavailable` without having run (nil: as long as it takes).
    private let waitLimit: Duration?
    private let state = Mutex(State())
    /// Where batches are committed: a serial queue of the writer's own, so that a batch never
    /// waits for a thread of Swift's cooperative pool (busy with requests under load) and the
    /// transaction runs synchronously on it, without an asynchronous hop per batch. It holds a
    /// thread only while writes are waiting.
    private let drainQueue = DispatchQueue(label: "deskd.group-commit")

    /// `transact`: runs a batch in one transaction of the engine's writer connection and commits it;
    /// `capacity`: writes allowed to wait; `maximumBatch`: writes taken into one transaction;
    /// `onBatchFailure`: called when a transaction fails as a whole (nothing of it was written), so
    /// that memory mirroring the rows can be dropped; `waitLimit`: how long a write may wait to be
    /// taken into a batch (a batch held up by the database must not hold its followers' requests
    /// past their deadline), nil for no limit; `pipelined`: the engine's transaction in which a
    /// batch's writes are sent without waiting for each (`PostgresSQLConnection`), tried first;
    /// when it throws `PipelineAbandoned` that allows it, the batch is run again in `transact`.
    init(
        transact: @escaping BatchTransaction, pipelined: BatchTransaction? = nil, capacity: Int,
        maximumBatch: Int = 512, logger: Logger, waitLimit: Duration? = nil,
        onBatchFailure: @escaping @Sendable () -> Void = {}
    ) {
        self.waitLimit = waitLimit
        self.transact = transact
        self.pipelined = pipelined
        self.capacity = max(1, capacity)
        self.maximumBatch = max(1, maximumBatch)
        self.logger = logger
        self.onBatchFailure = onBatchFailure
    }

    /// What the queue has done so far, for metrics.
    var counters: WriteQueueStats {
        state.withLock { state in
            var counters = state.counters
            counters.waiting = state.pending.count
            counters.capacity = capacity
            return counters
        }
    }

    /// Runs `work` in the next batch's transaction and returns its value once that batch is
    /// committed. Throws `work`'s own error (its changes rolled back), the batch's storage error,
    /// or `DeskError.overloaded` when the queue is full.
    func write<Value: Sendable>(
        _ work: @escaping @Sendable (any SQLConnection) throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let pending = Write(work: work, continuation: continuation)
            var firstRefusal = false
            let start = state.withLock { state -> Bool? in
                guard state.pending.count < capacity else {
                    state.counters.refused += 1
                    firstRefusal = state.refusedThisEpisode == nil
                    state.refusedThisEpisode = (state.refusedThisEpisode ?? 0) + 1
                    return nil
                }
                state.pending.append(pending)
                let idle = !state.draining
                state.draining = true
                return idle
            }
            switch start {
            case nil:
                if firstRefusal {
                    logger.warning(
                        "write queue full: \(capacity) writes waiting for the disk; refusing writes with 503 until it drains"
                    )
                }
                continuation.resume(
                    throwing: DeskError.overloaded("\(capacity) writes are already waiting for the disk"))
            case true?:
                drainQueue.async { self.drain() }
            case false?:
                break
            }
            if start != nil, let waitLimit { giveUp(pending, after: waitLimit) }
        }
    }

    /// Answers `pending` 503 if it is still waiting to be taken into a batch after `limit` (it
    /// then never runs: nothing of it is stored).
    private func giveUp(_ pending: any PendingWrite, after limit: Duration) {
        let nanoseconds = limit.components.seconds * 1_000_000_000 + limit.components.attoseconds / 1_000_000_000
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) {
            let expired = self.state.withLock { state -> Bool in
                guard let index = state.pending.firstIndex(where: { $0 === pending }) else { return false }
                state.pending.remove(at: index)
                return true
            }
            guard expired else { return }
            pending.finish(
                batchFailure: DeskError.unavailable(
                    "the database took no write for \(limit) (an earlier write is still waiting for it)"
                ))
        }
    }

    /// Commits batches until nothing waits; runs on `drainQueue`, one drain at a time.
    private func drain() {
        while true {
            let (batch, refusedWhileFull) = state.withLock { state -> ([any PendingWrite], Int?) in
                let batch = Array(state.pending.prefix(maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                guard let refused = state.refusedThisEpisode, state.pending.count <= capacity / 2 else {
                    return (batch, nil)
                }
                state.refusedThisEpisode = nil
                return (batch, refused)
            }
            if let refusedWhileFull {
                logger.notice("write queue has room again; \(refusedWhileFull) writes were refused while it was full")
            }
            if batch.isEmpty { return }
            commit(batch)
        }
    }

    /// Commits one batch and answers its writers: pipelined first when the engine can, and when
    /// that fails in a way one of its writes may have caused, again one write at a time, each in
    /// its own savepoint, so that only the write that fails fails.
    private func commit(_ batch: [any PendingWrite]) {
        if let pipelined {
            do {
                try run(batch, in: pipelined, pipelined: true)
                return committed(batch)
            } catch let abandoned as PipelineAbandoned where abandoned.mayRunAgain {
                // The writer's memory saw writes that were not committed.
                onBatchFailure()
                state.withLock { $0.counters.rerun += 1 }
                logger.debug(
                    "a pipelined batch of \(batch.count) writes runs again one write at a time: \(abandoned.underlying)"
                )
            } catch {
                onBatchFailure()
                let failure = (error as? PipelineAbandoned)?.underlying ?? error
                for pending in batch { pending.finish(batchFailure: failure) }
                return
            }
        }
        do {
            try run(batch, in: transact, pipelined: false)
            committed(batch)
        } catch {
            onBatchFailure()
            for pending in batch { pending.finish(batchFailure: error) }
        }
    }

    /// Runs the batch's writes in one transaction of `transaction`; in a pipelined one, the first
    /// write that fails ends it (its statements and its followers' are not to be trusted).
    private func run(_ batch: [any PendingWrite], in transaction: BatchTransaction, pipelined: Bool) throws {
        try transaction { db in
            for pending in batch {
                pending.run(in: db)
                if pipelined, let failure = pending.failure { throw PipelineAbandoned(underlying: failure) }
                // SQLite rolls a transaction back by itself after some errors (a full disk, an
                // I/O error), and a lost server connection takes its transaction with it: the
                // earlier writes of the batch are gone too.
                guard db.isInsideTransaction else {
                    throw pending.failure ?? StorageFailure("the transaction was rolled back")
                }
            }
        }
    }

    /// Counts a committed batch and answers its writers.
    private func committed(_ batch: [any PendingWrite]) {
        state.withLock { state in
            state.counters.batches += 1
            state.counters.committed += batch.count
            state.counters.largestBatch = max(state.counters.largestBatch, batch.count)
        }
        for pending in batch { pending.finish(batchFailure: nil) }
    }
}

/// Runs `body` in one transaction on an engine's writer connection and commits it; throws when
/// the transaction as a whole fails (nothing of it was written).
typealias BatchTransaction = @Sendable (_ body: (any SQLConnection) throws -> Void) throws -> Void

/// One queued write, its value type erased.
private protocol PendingWrite: AnyObject, Sendable {
    /// Runs the work in a savepoint of the batch's transaction.
    func run(in db: any SQLConnection)
    /// The work's own error, if it failed.
    var failure: (any Error)? { get }
    /// Answers the caller: the work's outcome, or the batch's failure.
    func finish(batchFailure: (any Error)?)
}

/// A queued write and its caller.
///
/// `@unchecked Sendable`: `outcome` is written by `run` and read by `failure`/`finish`, all
/// called by the single draining task one after the other, never concurrently (a write given up
/// in the queue is finished by its timer instead, once it has been removed from the queue under
/// the lock, so the draining task never sees it).
private final class Write<Value: Sendable>: PendingWrite, @unchecked Sendable {
    private let work: @Sendable (any SQLConnection) throws -> Value
    private let continuation: CheckedContinuation<Value, any Error>
    private var outcome: Result<Value, any Error>?

    init(
        work: @escaping @Sendable (any SQLConnection) throws -> Value,
        continuation: CheckedContinuation<Value, any Error>
    ) {
        self.work = work
        self.continuation = continuation
    }

    func run(in db: any SQLConnection) {
        do {
            var value: Value?
            try db.savepoint {
                value = try work(db)
                return true
            }
            guard let value else { throw StorageFailure("a write returned no value") }
            outcome = .success(value)
        } catch {
            outcome = .failure(error)
        }
    }

    var failure: (any Error)? {
        if case .failure(let error)? = outcome { return error }
        return nil
    }

    func finish(batchFailure: (any Error)?) {
        if let batchFailure {
            continuation.resume(throwing: batchFailure)
        } else if let outcome {
            continuation.resume(with: outcome)
        } else {
            continuation.resume(throwing: StorageFailure("a write was never run"))
        }
    }
}
