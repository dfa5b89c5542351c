import DeskCore
import Logging

/// Writes the timeline's chain head (the newest event's sequence number and chain hash) to the
/// journal, `MESSAGE_ID` `chainHead` with `DESK_CHAIN_SEQ` and `DESK_CHAIN_HASH`.
///
/// Kept outside the database, a head anchors the chain: `deskctl verify --head SEQ:HASH` finds the
/// newest events removed, which the chain alone cannot show. journald's forward-secure sealing or
/// a remote journal keeps the heads out of reach of whoever can edit the database.
public struct ChainHeadLog: Sendable {
    private let logger: Logger

    /// Creates the log over a logger.
    public init(logger: Logger) { self.logger = logger }

    /// Logs `head`; `moment` says why now (`at shutdown`, `every 15 minutes`).
    public func record(_ head: ChainHead, _ moment: String) {
        logger.notice(
            "timeline chain head \(moment): \(head)",
            metadata: [
                "MESSAGE_ID": "\(JournalMessage.chainHead.id)", "DESK_CHAIN_SEQ": "\(head.sequence)",
                "DESK_CHAIN_HASH": "\(head.hash)",
            ])
    }
}
