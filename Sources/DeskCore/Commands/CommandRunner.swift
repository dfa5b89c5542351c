import Foundation

/// Hands commands to the write pipeline: checks the command's policy against the principal, gives
/// it its context (now, the actor, fresh ids, the settings in force), and tells the observers what
/// it wrote once that is durable. The one point where writes enter the desk and are seen leaving it.
public final class CommandRunner: Sendable {
    private let pipeline: any CommandPipeline
    private let clock: any WallClock
    private let ids: IDGenerator
    /// The settings commands run with.
    public let settings: LiveSettings
    private let observers: [CommandObserver]

    /// Creates a runner over `pipeline`; `observers` are told every command's effects, in order.
    public init(
        pipeline: any CommandPipeline, clock: any WallClock, settings: LiveSettings,
        observers: [CommandObserver] = []
    ) {
        self.pipeline = pipeline
        self.clock = clock
        self.ids = IDGenerator(clock: clock)
        self.settings = settings
        self.observers = observers
    }

    /// Runs `command` for `principal`. With `key`, a retry of the same request (same
    /// `key.requestHash`) gets the answer `answer` rendered the first time, and the command is not
    /// run again.
    ///
    /// Throws `forbidden` when the principal's role may not run it (the desk's own commands are
    /// run by `Principal.desk` only), and whatever the command or the store throws.
    public func run<Command: DeskCommand>(
        _ command: Command, by principal: Principal, over transport: Transport = .internalSource,
        key: IdempotencyClaim? = nil, answer: (@Sendable (Command.Outcome) throws -> StoredResponse)? = nil
    ) async throws -> Executed<Command.Outcome> {
        if principal != .desk { try Command.policy.check(principal, running: Command.name) }
        let context = CommandContext(
            principal: principal, transport: transport,
            stamp: EventStamp(actor: principal.actor, at: clock.now().truncatedToMilliseconds, ids: ids),
            settings: settings.current)
        let executed = try await pipeline.run(
            command, context: context, key: answer == nil ? nil : key, answer: answer)
        if case .done(_, _, let effects) = executed, !effects.isEmpty {
            for observer in observers { observer(effects) }
        }
        return executed
    }

    /// Runs `command` for `principal` without an idempotency key and returns its outcome.
    @discardableResult
    public func run<Command: DeskCommand>(
        _ command: Command, by principal: Principal, over transport: Transport = .internalSource
    ) async throws -> Command.Outcome {
        let executed = try await run(command, by: principal, over: transport, key: nil, answer: nil)
        guard let outcome = executed.outcome else { throw DeskError.unavailable("a write without a key was replayed") }
        return outcome
    }
}

extension DeskCommand {
    /// The command's name, for messages (`AddNote`).
    public static var name: String { String(describing: Self.self) }
}

extension Principal {
    /// The desk itself: timers, seeding, start-up. Runs the `system` commands; no request is it.
    public static let desk = Principal(actor: .system, role: .admin)
}
