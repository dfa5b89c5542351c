import DeskCore
import DeskSystemd
import Logging
import ServiceLifecycle

/// Writes the timeline's chain head to the journal at a fixed interval, when it moved (the head at
/// shutdown is written by the daemon once every service has stopped).
final class ChainHeadService: Service {
    /// How often the head is written, when it moved.
    static let interval: Duration = .seconds(15 * 60)

    private let records: TimelineRecords
    private let log: ChainHeadLog
    private let logger: Logger

    init(records: TimelineRecords, logger: Logger) {
        self.records = records
        self.log = ChainHeadLog(logger: logger)
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var written: ChainHead?
            while !Task.isCancelled {
                do {
                    let head = try await self.records.chainHead()
                    if head != written {
                        self.log.record(head, "every 15 minutes")
                        written = head
                    }
                } catch {
                    self.logger.error("could not read the timeline's chain head: \(error)")
                }
                try? await Task.sleep(for: Self.interval)
            }
        }
    }
}
