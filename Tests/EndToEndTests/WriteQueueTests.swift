import DeskTestSupport
import Foundation
import Testing

/// A running deskd whose writer is held up (another process keeps SQLite's write lock) lets at
/// most `[storage] write_queue` writes wait, answers the rest 503 problem+json with Retry-After
/// at once, stores none of those, and commits the waiting ones when the lock is released.
@Suite(.ownThread) struct WriteQueueTests {
    @Test func aFullWriteQueueAnswers503AndTheWaitingReportsAreStored() throws {
        let daemon = try DaemonProcess(storageConfig: "write_queue = 2")
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let token = try daemon.adminToken()
        // Hold the write lock (deskd waits up to 5 s for it) while 12 reports are posted, until the last
        // is answered (hold-write-lock.py).
        let script = repositoryRoot + "/Tests/EndToEndTests/Helpers/hold-write-lock.py"
        let run = try runProgram(
            "/usr/bin/python3", [script, daemon.directory + "/state/deskd.sqlite", "\(daemon.port)", token])
        #expect(run.status == 0, "\(run.stderr)")
        struct Outcome: Decodable {
            struct Result: Decodable {
                struct Problem: Decodable {
                    let type: String
                    let title: String
                    let detail: String
                }
                let status: Int
                let id: String?
                let retry_after: String?
                let type: String?
                let problem: Problem?
                let finished: Double
            }
            let results: [Result]
            let stored: [String]
            let released: Double
        }
        let outcome = try JSONDecoder().decode(Outcome.self, from: Data(run.stdout.utf8))
        let accepted = outcome.results.filter { $0.status == 201 }
        let refused = outcome.results.filter { $0.status == 503 }
        #expect(outcome.results.count == 12)
        #expect(accepted.count + refused.count == 12, "\(outcome.results.map(\.status))")
        // One batch held at the lock plus two waiting: at least 3 stored, and some refused.
        #expect(accepted.count >= 3, "\(outcome.results.map(\.status))")
        #expect(refused.count >= 6, "\(outcome.results.map(\.status))")
        for result in refused {
            #expect(result.retry_after == "1")
            #expect(result.type == "application/problem+json")
            #expect(result.problem?.title == "Too many writes at once")
            #expect(
                result.problem?.detail
                    == "2 writes are already waiting for the disk; nothing was stored, try again in a second")
            #expect(result.finished < outcome.released, "a refusal must not wait for the lock")
        }
        // Every 201 is stored, nothing refused is.
        #expect(Set(outcome.stored) == Set(accepted.compactMap(\.id)))
        #expect(daemon.log(contains: "write queue full: 2 writes waiting for the disk"))
        #expect(daemon.log(contains: "write queue has room again"))
        // Afterwards the desk takes reports again.
        #expect(try daemon.ctl("report", "--area", "rinkeby", "--text", "Vattenläcka i källaren").status == 0)
    }
}
