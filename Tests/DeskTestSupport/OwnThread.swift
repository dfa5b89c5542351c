import Foundation
import Testing

/// A task executor with one thread of its own: jobs run one at a time, in the order they came.
///
/// Swift's cooperative pool has one thread per core (two on CI), and Swift Testing runs every test
/// on it, synchronous ones too. A test that blocks (end-to-end tests wait for processes and poll
/// with sleeps) holds a pool thread for as long as it runs; two of them hold the whole pool, and
/// the in-process servers of the API tests beside them get no thread to answer on.
public final class OwnThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs` and `stopping` are only touched under `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    /// Starts the executor's thread, named `name` (at most 15 bytes; shown by debuggers and `top -H`).
    public init(name: String) {
        // Named from inside: a new thread starts with its creator's name, and Foundation names
        // only the thread it runs on.
        let thread = Thread { [self] in
            Thread.current.name = name
            self.runJobs()
        }
        // As large as a main thread's: the tests' bodies run here.
        thread.stackSize = 8 << 20
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once the jobs already queued have run.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            guard !jobs.isEmpty else {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Runs each test of a suite (each case of a parameterized one) on a thread of its own, off the
/// cooperative pool: for tests that block while they wait, and that host no in-process server of
/// their own (child tasks inherit the thread, so one blocked there would never be served).
public struct OwnThreadTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let executor = OwnThreadExecutor(name: "desk-test")
        defer { executor.stop() }
        try await withTaskExecutorPreference(executor) { try await function() }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// Each test on a thread of its own, off Swift's cooperative pool (`OwnThreadTrait`).
    public static var ownThread: Self { Self() }
}
