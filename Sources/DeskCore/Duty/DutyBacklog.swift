import Foundation

/// What the duty side has waiting now and for how long, for monitoring (`/metrics` and the alert
/// rules shipped in `examples/prometheus`): each figure is one an operator acts on when it grows.
public struct DutyBacklog: Sendable, Hashable {
    /// The pending deliveries of one receiver.
    public struct Outbox: Sendable, Hashable {
        /// Deliveries not yet delivered and not given up (waiting for a first attempt or a retry).
        public var pending: Int
        /// When the oldest of them was written (with the change it announces).
        public var oldestCreatedAt: Date

        /// Creates the figures of one receiver.
        public init(pending: Int, oldestCreatedAt: Date) {
            self.pending = pending
            self.oldestCreatedAt = oldestCreatedAt
        }
    }

    /// When the figures were read (the ages are measured from it).
    public var measuredAt: Date
    /// Call-outs waiting for an answer (pending or notified).
    public var callOutsAwaitingAnswer: Int
    /// Of those, the ones whose answer-by time has passed: the escalation timer moves such a
    /// call-out on within seconds, so one that stays here means the timers are not running.
    public var callOutsPastAnswerBy: Int
    /// Open incidents flagged unstaffed in their current phase (nobody at all could be found).
    public var unstaffedIncidents: Int
    /// Pending deliveries by receiver name; a receiver with none is absent.
    public var outbox: [String: Outbox]

    /// Creates the figures.
    public init(
        measuredAt: Date, callOutsAwaitingAnswer: Int, callOutsPastAnswerBy: Int, unstaffedIncidents: Int,
        outbox: [String: Outbox]
    ) {
        self.measuredAt = measuredAt
        self.callOutsAwaitingAnswer = callOutsAwaitingAnswer
        self.callOutsPastAnswerBy = callOutsPastAnswerBy
        self.unstaffedIncidents = unstaffedIncidents
        self.outbox = outbox
    }
}
