import DeskTestSupport
import Foundation
import Testing

/// A test that waits for a blocking client of the in-process server must wait off Swift's
/// cooperative pool, which the server needs to answer: with one thread per core (two on CI), two
/// tests that blocked on it at once deadlocked until their clients gave up (a `make test` run of
/// stop 41 lost `AccessTests`, `AbuseTests` and `SessionLimitsTests` to it).
@Suite struct BlockingClientsTests {
    @Test func moreBlockingClientsThanThePoolHasThreadsAreAllAnswered() async throws {
        try await TestServer.with { server in
            let clients = ProcessInfo.processInfo.activeProcessorCount + 1
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        let (_, output) = try await runToEnd(
                            "/usr/bin/curl",
                            [
                                "-s", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket",
                                server.socketPath, "http://localhost/healthz",
                            ])
                        return String(decoding: output, as: UTF8.self)
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: "200", count: clients))
        }
    }
}

/// A suite marked `.ownThread` (the end-to-end tests, which wait for processes and poll with
/// sleeps) runs each test on a thread of its own, never on one of the cooperative pool's.
@Suite(.ownThread) struct OwnThreadTests {
    @Test func aSynchronousTestRunsOnItsOwnThread() {
        #expect(OwnThreadExecutor.isCurrent)
    }

    @Test(arguments: 0..<20) func eachCaseOfAParameterizedTestToo(_ index: Int) {
        #expect(OwnThreadExecutor.isCurrent)
    }

    @Test func anAsynchronousTestStaysThereAcrossItsSuspensions() async throws {
        #expect(onOwnThread())
        try await Task.sleep(for: .milliseconds(10))
        #expect(onOwnThread())
    }
}

/// Suites without the trait run on the pool, as before.
@Suite struct PoolThreadTests {
    @Test func aTestWithoutTheTraitRunsOnThePool() {
        #expect(!OwnThreadExecutor.isCurrent)
    }
}

/// `OwnThreadExecutor.isCurrent`, asked from synchronous code.
private func onOwnThread() -> Bool { OwnThreadExecutor.isCurrent }
