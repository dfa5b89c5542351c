import Foundation

/// One message to one webhook receiver, kept in the outbox until it is delivered.
///
/// The `id` is the delivery id receivers de-duplicate on: a retry sends the same id and body.
public struct Delivery: Sendable, Hashable {
    /// Where a delivery stands.
    public enum State: String, Sendable, Codable, CaseIterable, Hashable {
        /// Waiting for its first or next attempt.
        case pending
        case delivered
        /// Attempts stopped after `DeliveryPolicy.giveUpAfter`; kept for the record.
        case failed
    }

    public var id: DeskID
    public var receiver: String
    /// `callout.created`, `incident.unstaffed`, `followup.escalated`, …
    public var kind: String
    /// The JSON body, exactly as sent (and signed).
    public var body: String
    public var incidentID: DeskID?
    /// The call-out it announces, marked `notified` once a receiver took it.
    public var calloutID: DeskID?
    public var createdAt: Date
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    /// The id the receiver gave the message (an SMS gateway's message id), once delivered.
    public var gatewayReference: String?

    /// Creates a pending delivery.
    public init(
        id: DeskID, receiver: String, kind: String, body: String, incidentID: DeskID?, calloutID: DeskID?,
        createdAt: Date
    ) {
        self.id = id
        self.receiver = receiver
        self.kind = kind
        self.body = body
        self.incidentID = incidentID
        self.calloutID = calloutID
        self.createdAt = createdAt
        self.state = .pending
        self.attempts = 0
        self.nextAttemptAt = createdAt
        self.lastError = nil
        self.gatewayReference = nil
    }
}

/// How deliveries are retried: exponential back-off from `firstRetry`, capped at `maxBackoff`,
/// until `giveUpAfter` has passed since the delivery was created.
public struct DeliveryPolicy: Sendable, Hashable {
    public var firstRetry: TimeInterval
    public var maxBackoff: TimeInterval
    public var giveUpAfter: TimeInterval

    /// Creates a policy; the defaults retry after 2 s, 4 s, 8 s, … at most every 5 minutes, for a day.
    public init(firstRetry: TimeInterval = 2, maxBackoff: TimeInterval = 300, giveUpAfter: TimeInterval = 86_400) {
        self.firstRetry = firstRetry
        self.maxBackoff = maxBackoff
        self.giveUpAfter = giveUpAfter
    }

    /// The wait before attempt `attempts + 1`, after `attempts` failures.
    public func backoff(afterFailures attempts: Int) -> TimeInterval {
        min(maxBackoff, firstRetry * pow(2, Double(max(0, min(attempts - 1, 30)))))
    }
}

/// What one attempt to deliver gave.
public enum DeliveryResult: Sendable, Hashable {
    /// The receiver answered 2xx; `reference` is the id it gave the message, if any (an SMS gateway's).
    case delivered(status: Int, reference: String? = nil)
    /// Another status, a timeout or a connection failure, described.
    case failed(String)
}

/// Sends deliveries to receivers: the boundary to the outside world (webhooks over HTTP).
public protocol NotificationSender: Sendable {
    /// Attempts one delivery; never throws, a failure is a result.
    func send(_ delivery: Delivery) async -> DeliveryResult
}
