import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Marks the threads of `OwnThreadExecutor`s. (Not their names: a new thread starts with its
/// creator's, and one renamed through Foundation from inside was now and then seen unrenamed.)
private let ownThreadKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()

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

    /// Starts the executor's thread.
    public init() {
        Thread { [self] in
            pthread_setspecific(ownThreadKey, UnsafeRawPointer(bitPattern: 1))
            self.runJobs()
        }.start()
    }

    /// Whether the calling code runs on the thread of an `OwnThreadExecutor`.
    public static var isCurrent: Bool { pthread_getspecific(ownThreadKey) != nil }

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
///
/// At most `OwnThreadTrait.width` such tests run at once (twice the cores): on the pool they ran
/// one per core, and all of them at once (every end-to-end test starting its deskd together) would
/// load the machine far more than any test expects.
public struct OwnThreadTrait: SuiteTrait, TestTrait, TestScoping {
    /// How many tests hold a thread of their own at once.
    public static let width = 2 * ProcessInfo.processInfo.activeProcessorCount
    private static let slots = Slots(width)

    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        await Self.slots.take()
        let executor = OwnThreadExecutor()
        do {
            try await withTaskExecutorPreference(executor) { try await function() }
        } catch {
            executor.stop()
            await Self.slots.give()
            throw error
        }
        executor.stop()
        await Self.slots.give()
    }

    /// A counting semaphore whose waiters suspend, holding no thread.
    private actor Slots {
        private var free: Int
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(_ count: Int) { free = count }

        func take() async {
            if free > 0 {
                free -= 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func give() {
            if waiting.isEmpty {
                free += 1
            } else {
                waiting.removeFirst().resume()
            }
        }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// Each test on a thread of its own, off Swift's cooperative pool (`OwnThreadTrait`).
    public static var ownThread: Self { Self() }
}
