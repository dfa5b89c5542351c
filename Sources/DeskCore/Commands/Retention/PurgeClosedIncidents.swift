import Foundation

/// Erases the free text and contacts of incidents closed longer ago than the retention policy
/// allows (or, with `dryRun`, says what would go). The candidates are found beforehand, in a read
/// (see `DeskStore.purgeCandidates`), so that looking at every old incident never holds the writer;
/// each is checked again when erased.
public struct PurgeClosedIncidents: DeskCommand {
    public static let policy = CommandPolicy.admins
    public let cutoff: Date
    public let candidates: [DeskID]
    public let dryRun: Bool

    /// Erases `candidates` closed before `cutoff`.
    public init(cutoff: Date, candidates: [DeskID], dryRun: Bool) {
        self.cutoff = cutoff
        self.candidates = candidates
        self.dryRun = dryRun
    }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> PurgeSummary {
        guard !candidates.isEmpty else {
            return PurgeSummary(
                cutoff: cutoff, dryRun: dryRun, incidents: [], reports: 0, events: 0, callOuts: 0, followUps: 0)
        }
        return try transaction.erase(candidates, closedBefore: cutoff, dryRun: dryRun, stamp: context.stamp)
    }
}

/// Forgets idempotency keys older than their lifetime: a retry after that is a new request.
public struct ExpireIdempotencyKeys: DeskCommand {
    public static let policy = CommandPolicy.system
    public let before: Date

    /// Forgets keys stored before `before`.
    public init(before: Date) { self.before = before }

    /// How many keys were forgotten.
    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> Int {
        try transaction.expireIdempotencyKeys(before: before)
    }
}

/// Forgets responders' texts received before `before`, and the numbers and messages of answers
/// sent before it that belong to no incident (those of an incident go with its purge).
public struct ForgetOldTexts: DeskCommand {
    public static let policy = CommandPolicy.system
    public let before: Date

    /// Forgets texts older than `before`.
    public init(before: Date) { self.before = before }

    /// How many rows were deleted or erased.
    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> Int {
        try transaction.forgetTexts(before: before)
    }
}
