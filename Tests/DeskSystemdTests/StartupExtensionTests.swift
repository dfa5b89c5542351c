import DeskTestSupport
import Foundation
import Synchronization
import Testing

@testable import DeskSystemd

/// While deskd opens its database it asks for more start-up time at once and then again every
/// interval, and stops asking when the database is open (here every 100 ms for 550 ms; systemd's
/// are every 20 s for as long as a migration takes).
@Suite(.ownThread) struct StartupExtensionTests {
    @Test func moreTimeIsAskedForAtOnceThenEveryIntervalUntilTheWorkEnds() throws {
        let sent = Mutex<[[String]]>([])
        let value = StartupExtension.run(
            status: "Opening the database", every: .milliseconds(100), extendingBy: .seconds(1),
            send: { fields in sent.withLock { $0.append(fields) } }
        ) {
            Thread.sleep(forTimeInterval: 0.55)
            return 42
        }
        #expect(value == 42)
        let during = sent.withLock { $0 }
        #expect(during.first == ["EXTEND_TIMEOUT_USEC=1000000", "STATUS=Opening the database"])
        #expect(Set(during).count == 1)
        // At once, then about five times more (a loaded machine may fire fewer, never more).
        #expect(during.count >= 2 && during.count <= 7, "\(during.count)")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(sent.withLock { $0.count } == during.count)
    }

    @Test func anUnsupervisedDeskdAsksForNothing() throws {
        // No NOTIFY_SOCKET in the test's environment: the work runs and nothing is sent.
        #expect(ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] == nil)
        #expect(StartupExtension.run(status: "Opening the database") { 7 } == 7)
    }
}
