/// The one write path of the desk: runs a command in the group-commit writer's transaction.
///
/// In that one transaction it claims the idempotency key (a key seen before with the same request
/// answers with the stored answer and runs nothing; with another request it is
/// `idempotencyKeyReused`), runs the command, and keeps the answer `answer` renders for the key's
/// retries. It returns once the transaction is durable. So a retry after any crash either gets the
/// stored answer or does the write once: there is no window between the write and its answer.
/// A command that throws leaves nothing behind, not even its key.
public protocol CommandPipeline: Sendable {
    /// Runs `command` with `context`; `key` and `answer` together, or neither.
    func run<Command: DeskCommand>(
        _ command: Command, context: CommandContext, key: IdempotencyClaim?,
        answer: (@Sendable (Command.Outcome) throws -> StoredResponse)?
    ) async throws -> Executed<Command.Outcome>
}

/// What the pipeline did with a command.
public enum Executed<Outcome: Sendable>: Sendable {
    /// The command ran: its outcome, the answer kept for its key (if it had one), and what it wrote.
    case done(Outcome, answer: StoredResponse?, effects: CommandEffects)
    /// A retry: the command ran before under the same key; this is the answer it gave then.
    case replayed(StoredResponse)

    /// The outcome, when the command ran now.
    public var outcome: Outcome? {
        if case .done(let outcome, _, _) = self { return outcome }
        return nil
    }
}

/// What one command wrote, as stored: the events (numbered, in order), the incidents in their new
/// state, and the delivery attempts it recorded. What observers (journal, metrics, live streams,
/// timers) are told once the write is durable.
public struct CommandEffects: Sendable {
    /// The events appended, oldest first.
    public var events: [TimelineEvent] = []
    /// Every incident written, in its final state, by id.
    public var incidents: [DeskID: Incident] = [:]
    /// Delivery attempts recorded (for the journal and metrics; the timeline keeps only some).
    public var attempts: [DeliveryAttempt] = []

    /// Nothing written yet.
    public init() {}

    /// Whether the command wrote nothing.
    public var isEmpty: Bool { events.isEmpty && incidents.isEmpty && attempts.isEmpty }

    /// The events grouped by the incident they concern (`nil`: desk-wide), in the order first written.
    public var eventsByIncident: [(incident: Incident?, events: [TimelineEvent])] {
        var order: [DeskID?] = []
        var groups: [DeskID?: [TimelineEvent]] = [:]
        for event in events {
            if groups[event.incidentID] == nil { order.append(event.incidentID) }
            groups[event.incidentID, default: []].append(event)
        }
        return order.map { id in (id.flatMap { incidents[$0] }, groups[id] ?? []) }
    }
}

/// Told what each command wrote, after it is durable: for logging, metrics and live streams, never
/// for decisions.
public typealias CommandObserver = @Sendable (CommandEffects) -> Void
