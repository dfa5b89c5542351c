import Foundation

/// The duty timers' work: staffing new incidents, escalating unanswered call-outs, cancelling
/// those of closed incidents, handing overdue follow-ups on, and delivering webhooks. Their state
/// lives only in the store: after a restart the same queries find the same work, and each step is
/// a command that checks the state again in the writer, so it happens once.
public struct DutyTimers: Sendable {
    /// How long a claimed delivery is kept from other senders: past the longest send (a
    /// receiver's or the SMS gateway's `timeout_seconds` is at most 120).
    public static let deliveryLease: TimeInterval = 180

    private let store: any DutyStore
    private let runner: CommandRunner
    private let clock: any WallClock

    /// Reads due work from `store` and runs its commands through `runner`.
    public init(store: any DutyStore, runner: CommandRunner, clock: any WallClock) {
        self.store = store
        self.runner = runner
        self.clock = clock
    }

    /// Does everything due now. Safe to run again at any time, also after a crash half-way.
    @discardableResult
    public func runDueWork(batch: Int = 50) async throws -> DutyWorkSummary {
        var summary = DutyWorkSummary()
        let now = clock.now().truncatedToMilliseconds
        let grace = runner.settings.current.duty.policy.followUpGrace
        let toStaff = try await store.incidentsToStaff(limit: batch)
        let due = try await store.callOutsDue(at: now, limit: batch)
        let abandoned = try await store.callOutsOfClosedIncidents(limit: batch)
        let overdue = try await store.followUpsOverdue(dueBy: now.addingTimeInterval(-grace), limit: batch)
        guard !(toStaff.isEmpty && due.isEmpty && abandoned.isEmpty && overdue.isEmpty) else { return summary }
        // A desk without any responders does not use rosters (yet): nothing is staffed, nothing is
        // flagged unstaffed. Once a roster is imported, the open incidents are staffed.
        let hasResponders = toStaff.isEmpty ? false : !(try await store.roster().responders.isEmpty)
        let staffing = hasResponders ? toStaff : []
        summary.waitingForRoster = toStaff.count - staffing.count
        for incident in staffing {
            do {
                let change = try await runner.run(StaffIncident(incidentID: incident.id), by: .desk)
                guard !change.isEmpty else { continue }
                summary.callOutsCreated += change.newCallOuts.count
                summary.incidentsStaffed += 1
                if change.unstaffed != nil { summary.unstaffed += 1 }
            } catch DeskError.conflict(.alreadyStaffed) {
                continue
            }
        }
        if !abandoned.isEmpty {
            let change = try await runner.run(CancelCallOuts(callOutIDs: abandoned.map(\.id)), by: .desk)
            summary.cancelled += change.callOutTransitions.count
        }
        for callOut in due {
            let change = try await runner.run(EscalateCallOut(callOutID: callOut.id), by: .desk)
            guard !change.isEmpty else { continue }  // answered, or its incident closed, while we looked
            summary.escalated += 1
            if change.unstaffed != nil { summary.unstaffed += 1 }
        }
        for followUp in overdue {
            let change = try await runner.run(EscalateFollowUp(followUpID: followUp.id), by: .desk)
            if !change.isEmpty { summary.followUpsEscalated += 1 }
        }
        return summary
    }

    /// Attempts every delivery due now, a batch at a time, in parallel; records each result.
    /// Each is claimed for `lease` first (longer than a send may take), so that another deskd on
    /// the same database never sends it at the same time; see `DutyStore.claimDeliveries`.
    @discardableResult
    public func deliverDue(
        using sender: any NotificationSender, batch: Int = 32, lease: TimeInterval = deliveryLease
    ) async throws -> Int {
        let now = clock.now()
        let due = try await store.claimDeliveries(
            dueAt: now, limit: batch, leaseUntil: now.addingTimeInterval(lease))
        guard !due.isEmpty else { return 0 }
        let results = await withTaskGroup(of: (Delivery, DeliveryResult).self) { group in
            for delivery in due { group.addTask { (delivery, await sender.send(delivery)) } }
            var results: [(Delivery, DeliveryResult)] = []
            for await result in group { results.append(result) }
            return results
        }
        for (delivery, result) in results {
            try await runner.run(RecordDelivery(delivery: delivery, result: result), by: .desk)
        }
        return results.count
    }

    /// Forgets texts older than the retention policy's `closedIncidentDays` (none without one);
    /// returns how many rows went.
    @discardableResult
    public func forgetOldTexts() async throws -> Int {
        guard let days = runner.settings.current.retention.closedIncidentDays else { return 0 }
        let cutoff = clock.now().addingTimeInterval(-TimeInterval(days) * 86_400)
        return try await runner.run(ForgetOldTexts(before: cutoff), by: .desk)
    }

    /// Forgets idempotency keys older than their lifetime; returns how many.
    @discardableResult
    public func expireIdempotencyKeys() async throws -> Int {
        let lifetime = runner.settings.current.keyLifetime
        return try await runner.run(ExpireIdempotencyKeys(before: clock.now().addingTimeInterval(-lifetime)), by: .desk)
    }
}
