import Foundation

/// One attempt to deliver a notice to a receiver, as the journal and metrics see it.
///
/// Every attempt is observed; the timeline keeps only what matters for the record (a delivery's
/// first failure, its give-up and its success), so a receiver that is down for a day adds two
/// events per notice, not hundreds.
public struct DeliveryAttempt: Sendable, Hashable {
    /// What the attempt gave.
    public enum Outcome: Sendable, Hashable {
        /// The receiver answered 2xx.
        case delivered(status: Int)
        /// It failed and will be tried again at `next`.
        case willRetry(error: String, next: Date)
        /// It failed and the policy's time is up: no more attempts.
        case gaveUp(error: String)
    }

    /// The delivery (its id is the one receivers de-duplicate on).
    public var delivery: DeskID
    public var receiver: String
    /// The notice's kind: `callout.created`, `incident.unstaffed`, …
    public var notice: String
    public var incidentID: DeskID?
    /// 1 for the first attempt of this delivery, then 2, 3, …
    public var number: Int
    public var outcome: Outcome
    /// Whether this attempt is also a timeline event.
    public var onTimeline: Bool

    /// Describes an attempt.
    public init(
        delivery: DeskID, receiver: String, notice: String, incidentID: DeskID?, number: Int, outcome: Outcome,
        onTimeline: Bool
    ) {
        self.delivery = delivery
        self.receiver = receiver
        self.notice = notice
        self.incidentID = incidentID
        self.number = number
        self.outcome = outcome
        self.onTimeline = onTimeline
    }
}

/// Sees every delivery attempt once it is recorded (journal, metrics).
public typealias DeliveryObserver = @Sendable (_ attempts: [DeliveryAttempt]) -> Void
