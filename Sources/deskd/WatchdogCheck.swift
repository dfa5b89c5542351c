import DeskCore
import Logging
import Synchronization

/// What the systemd watchdog asks of deskd before each `WATCHDOG=1`: that it can still do its
/// work, proved by a database round trip.
///
/// On SQLite a failed round trip is deskd's own failure (its file, its disk), and a restart is
/// the cure. On PostgreSQL an unreachable server is not: during a failover or a server restart
/// deskd is alive and answers 503 with Retry-After, `/readyz` fails and `deskd_ready` is 0 so a
/// load balancer moves on; a restart could not bring the server back, and a deskd that cannot
/// reach it at start-up does not start at all. So there a round trip that ends in "unavailable"
/// still counts as alive (said once in the journal when the server goes away and once when it is
/// back); only a check that does not end — deskd itself stuck — stops the pings.
final class WatchdogCheck: Sendable {
    private let ping: @Sendable () async throws -> Void
    private let serverEngine: Bool
    private let logger: Logger
    /// Whether the last check found the server away (to say so once each way).
    private let away = Atomic(false)

    /// `serverEngine`: the database is a server of its own (PostgreSQL), not deskd's file.
    init(serverEngine: Bool, logger: Logger, ping: @escaping @Sendable () async throws -> Void) {
        self.ping = ping
        self.serverEngine = serverEngine
        self.logger = logger
    }

    /// Throws when the watchdog must not be pinged.
    @Sendable func callAsFunction() async throws {
        do {
            try await ping()
            if away.exchange(false, ordering: .relaxed) {
                logger.notice("the database answers again; the watchdog check passes on it")
            }
        } catch DeskError.unavailable(let reason) where serverEngine {
            if !away.exchange(true, ordering: .relaxed) {
                logger.warning(
                    """
                    the database is unavailable; deskd stays up (503 with Retry-After, /readyz failing) \
                    and keeps pinging the watchdog: a restart cannot bring the server back
                    """, metadata: ["reason": "\(reason)"])
            }
        }
    }
}
