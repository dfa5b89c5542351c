import DeskAPI
import DeskCore
import DeskStorage
import Logging
import ServiceLifecycle

/// Feeds the live streams from the stored timeline when deskd runs on PostgreSQL, where other
/// deskd may write to the same desk: every event any instance stored reaches this instance's
/// streams, once and in sequence order.
///
/// Woken by the database's `NOTIFY` (see `PostgresTimelineSignal`) and at least every second
/// regardless, it reads the events after the last one it handed on, a page at a time.
struct TimelineFeedService: Service {
    let database: PostgresDeskDatabase
    let desk: Desk
    let api: APIEffects
    let logger: Logger

    /// Events read per query.
    static let page = 500

    func run() async throws {
        await cancelWhenGracefulShutdown {
            let wakeup = Wakeup()
            let listener = Task { await listen(wakeup) }
            defer { listener.cancel() }
            var last: Int64?
            var failing = false
            while !Task.isCancelled {
                do {
                    // Streams open after start-up: they want what is stored from then on.
                    guard let after = last else {
                        last = try await desk.records.chainHead().sequence
                        continue
                    }
                    last = try await handOn(after: after)
                    if failing { logger.notice("live streams follow the timeline again") }
                    failing = false
                } catch {
                    if !failing {
                        logger.error("live streams cannot read the timeline, retrying every second: \(error)")
                    }
                    failing = true
                }
                await wakeup.wait(upTo: .seconds(1))
            }
        }
    }

    /// Hands every event after `sequence` to the streams; returns the last one's sequence.
    private func handOn(after sequence: Int64) async throws -> Int64 {
        var last = sequence
        while true {
            let page = try await desk.incidents.timeline(
                since: nil, page: try PageRequest(limit: Self.page, cursor: .afterSequence(last)))
            api.stored(page.items)
            last = page.items.last?.sequence ?? last
            guard page.nextCursor != nil else { return last }
        }
    }

    /// Listens for the database's signal until cancelled, connecting again a second after a loss.
    private func listen(_ wakeup: Wakeup) async {
        var failing = false
        while !Task.isCancelled {
            do {
                try await database.listenForTimeline(logger: logger) {
                    wakeup.signal()
                }
            } catch {
                if !failing {
                    logger.warning("not listening for other instances' events (polling each second): \(error)")
                }
                failing = true
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
