import Foundation
import Logging
import Synchronization
import Testing

@testable import DeskAPI

/// Issue 16, item 7: refusals reach the journal as a count per interval, not one line each.
@Suite struct RefusalLogTests {
    /// Keeps what is logged.
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { lines.lines.withLock { $0.append("\(event.message)") } }
    }

    final class Clock: Sendable {
        let now = Mutex<TimeInterval>(1000)
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
    }

    @Test func aStreamOfRefusalsIsOneLinePerInterval() {
        let lines = Lines()
        let clock = Clock()
        let log = RefusalLog(
            logger: Logger(label: "test") { _ in Capture(lines: lines) }, interval: 60,
            now: { clock.now.withLock { $0 } })
        // The first refusal after a quiet time is logged with its reason.
        log.record(status: 401, peer: "tcp:10.0.0.7", reason: "GET /v1/incidents: no token")
        #expect(lines.all.count == 1 && lines.all[0].contains("no token"))
        // A thousand more within the minute: nothing more yet.
        for index in 0..<1000 {
            log.record(status: index % 4 == 0 ? 429 : 401, peer: "tcp:10.0.0.\(index % 3)", reason: "x")
        }
        #expect(lines.all.count == 1)
        // The next one after the minute writes the count.
        clock.advance(61)
        log.record(status: 403, peer: "tcp:10.0.0.7", reason: "x")
        #expect(lines.all.count == 2)
        #expect(
            lines.all.last == "access refused 1000 more times (750× 401, 250× 429) from 3 client addresses",
            "\(lines.all)")
        // No refusal follows: the flusher writes the count once the interval is over, not before.
        clock.advance(30)
        log.flushIfOver()
        #expect(lines.all.count == 2)
        clock.advance(31)
        log.flushIfOver()
        #expect(lines.all.last == "access refused 1 more times (1× 403) from 1 client address")
        // Quiet for a while: the next refusal is logged itself again.
        clock.advance(600)
        log.record(status: 401, peer: "tcp:10.0.0.9", reason: "bad token")
        #expect(lines.all.count == 4 && lines.all[3].contains("bad token"))
    }
}
