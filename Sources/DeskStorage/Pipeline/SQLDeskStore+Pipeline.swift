import DeskCore
import Foundation
import GRDB

/// The write pipeline on either engine: every command in the group-commit writer's transaction, with its
/// idempotency key claimed and its answer kept in the same transaction.
extension SQLDeskStore: CommandPipeline {
    public func run<Command: DeskCommand>(
        _ command: Command, context: CommandContext, key: IdempotencyClaim?,
        answer: (@Sendable (Command.Outcome) throws -> StoredResponse)?
    ) async throws -> Executed<Command.Outcome> {
        let state = engine.state
        return try await guarded {
            try await engine.write { db in
                if let key, let kept = try IdempotencyRows.answer(for: key, in: db) { return .replayed(kept) }
                let transaction = SQLTransaction(db, state: state)
                do {
                    let outcome = try command.execute(in: transaction, context)
                    var kept: StoredResponse?
                    if let key, let answer {
                        let rendered = try answer(outcome)
                        try IdempotencyRows.keep(rendered, for: key, at: context.now, in: db)
                        kept = rendered
                    }
                    // The inserts PostgreSQL was sent without waiting are answered here, so that
                    // a failure among them rolls back the writer's memory below, as any other does.
                    try db.settle()
                    return .done(outcome, answer: kept, effects: transaction.effects)
                } catch {
                    // Its savepoint is rolled back: forget what the writer's memory saw of it.
                    state.rolledBack(areas: transaction.touchedAreas)
                    throw error
                }
            }
        }
    }
}
