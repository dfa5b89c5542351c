import Foundation
import Logging
import PostgresNIO

/// The signal several deskd on one PostgreSQL database give each other when the timeline grows:
/// every write transaction that appended events sends `NOTIFY desk_timeline` (delivered when it
/// commits), and each deskd listens on a connection of its own. The signal carries nothing; the
/// `event` table is the source of truth, read after the last sequence a listener has seen, so a
/// notification lost while a connection was down costs latency, never an event.
public enum PostgresTimelineSignal {
    /// The channel's name.
    static let channel = "desk_timeline"

    /// Sent inside a write transaction that appended events.
    static let notify = "NOTIFY \(channel)"
}

extension PostgresDeskDatabase {
    /// Calls `heard` each time a transaction that appended to the timeline commits, on any deskd
    /// of this database, until the task is cancelled (returns) or the connection fails (throws;
    /// the caller listens again). Connects to the URL's usable host on a connection of its own.
    public func listenForTimeline(logger: Logger, _ heard: @escaping @Sendable () -> Void) async throws {
        let url = url
        let password = password
        let connection = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result { try PostgresConnector.connect(to: url, password: password, logger: logger) })
            }
        }
        do {
            try await connection.listen(on: PostgresTimelineSignal.channel) { notifications in
                for try await _ in notifications { heard() }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }
}
