import DeskCore
import DeskStorage
import Foundation
import Testing

/// Retries with an Idempotency-Key store a report once, also when they race.
@Suite struct IdempotencyTests {
    static func submit(
        _ desk: CorrelatedDesk, text: String = "Det brinner i en bil just nu", key: String?, hash: String = "h1",
        actor: Actor = .unixUser("officer")
    ) async throws -> ReportReceipt {
        try await desk.desk.submit(
            ReportSubmission(area: "bredang", text: text), actor: actor, transport: .unix, idempotencyKey: key,
            requestHash: hash)
    }

    @Test func aRetryWithTheSameKeyReturnsTheStoredReport() async throws {
        let desk = try await CorrelatedDesk()
        let first = try await Self.submit(desk, key: "k-1")
        let again = try await Self.submit(desk, key: "k-1")
        #expect(!first.replayed)
        #expect(again.replayed)
        #expect(again.report.id == first.report.id)
        #expect(again.incident.id == first.incident.id)
        // The replay carries the events the report caused, as the first answer did.
        #expect(again.events.map(\.id) == first.events.map(\.id))
        #expect(try desk.database.rowCounts()["report"] == 1)
    }

    @Test func keysAreForgottenAfterTheirLifetime() async throws {
        let desk = try await CorrelatedDesk()
        desk.desk.idempotencyKeyLifetime = 3600
        let first = try await Self.submit(desk, key: "k-1")
        desk.clock.advance(minutes: 59)
        #expect(try await desk.desk.expireIdempotencyKeys() == 0)
        #expect(try await Self.submit(desk, key: "k-1").replayed)
        desk.clock.advance(minutes: 2)
        #expect(try await desk.desk.expireIdempotencyKeys() == 1)
        // After its lifetime the key names a new request: a new report, stored once more.
        let later = try await Self.submit(desk, key: "k-1", hash: "h2")
        #expect(!later.replayed && later.report.id != first.report.id)
    }

    @Test func theSameKeyForADifferentRequestIsRefused() async throws {
        let desk = try await CorrelatedDesk()
        _ = try await Self.submit(desk, key: "k-1")
        let before = try desk.database.rowCounts()
        await #expect(throws: DeskError.idempotencyKeyReused("k-1")) {
            _ = try await Self.submit(desk, text: "Något annat", key: "k-1", hash: "h2")
        }
        #expect(try desk.database.rowCounts() == before)
    }

    @Test func keysArePerPrincipal() async throws {
        let desk = try await CorrelatedDesk()
        let alice = try await Self.submit(desk, key: "same", actor: .unixUser("alice"))
        let bob = try await Self.submit(
            desk, text: "Vattnet forsar in i källaren", key: "same", actor: .unixUser("bob"))
        #expect(alice.report.id != bob.report.id)
        #expect(!bob.replayed)
    }

    @Test func concurrentRetriesStoreOneReport() async throws {
        let desk = try await CorrelatedDesk()
        let service = desk.desk
        let receipts = try await withThrowingTaskGroup(of: ReportReceipt.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await service.submit(
                        ReportSubmission(area: "bredang", text: "Det brinner i en bil just nu"),
                        actor: .unixUser("officer"), transport: .unix, idempotencyKey: "race", requestHash: "h1")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.report.id)).count == 1)
        #expect(receipts.filter { !$0.replayed }.count == 1)
        #expect(try desk.database.rowCounts()["report"] == 1)
        #expect(try desk.database.rowCounts()["incident"] == 1)
    }

    @Test func withoutAKeyEveryRequestIsANewReport() async throws {
        let desk = try await CorrelatedDesk()
        _ = try await Self.submit(desk, key: nil)
        _ = try await Self.submit(desk, key: nil)
        #expect(try desk.database.rowCounts()["report"] == 2)
    }
}
