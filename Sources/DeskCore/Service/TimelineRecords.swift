import Foundation

/// The timeline's integrity and the desk's copies: verification (one at a time), the chain head
/// to keep elsewhere, and consistent online backups.
public struct TimelineRecords: Sendable {
    private let store: any DeskStore
    private let verifying = OneAtATime(busy: .conflict(.verificationRunning))

    /// Works on `store`.
    public init(store: any DeskStore) { self.store = store }

    /// Checks that the timeline is intact: every event as stored, none removed or reordered; with
    /// `anchor`, also that a head seen earlier is still on the chain (the newest events were not
    /// removed). One at a time: another call while one runs is `conflict(.verificationRunning)`.
    public func verify(anchor: ChainHead? = nil) async throws -> TimelineVerification {
        try await verifying.run { try await store.verifyTimeline(anchor: anchor) }
    }

    /// The newest event's sequence number and chain hash: what to keep elsewhere as an anchor.
    public func chainHead() async throws -> ChainHead { try await store.chainHead() }

    /// A consistent online backup of the store, checked.
    public func backup(name: String) async throws -> BackupSummary {
        guard BackupSummary.isValidName(name) else {
            throw DeskError.invalid([
                FieldIssue(
                    pointer: "/name",
                    detail:
                        "must be 1-64 letters, digits, '.', '_' or '-', not starting with '.' (got \"\(name.clipped(40))\")"
                )
            ])
        }
        return try await store.backup(name: name)
    }
}
