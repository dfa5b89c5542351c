import DeskCore
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// Retries with an Idempotency-Key run a command once, also when they race: the pipeline claims
/// the key, runs the command and keeps its answer in one transaction.
@Suite struct IdempotencyTests {
    /// What a retry gets back: the report id the first answer named.
    struct Answer: Equatable {
        var reportID: String
        var replayed: Bool
    }

    static func submit(
        _ desk: CorrelatedDesk, text: String = "Det brinner i en bil just nu", key: String?, hash: String = "h1",
        actor: Actor = .unixUser("officer")
    ) async throws -> Answer {
        let command = try desk.desk.intake.command(for: ReportFields(area: "bredang", text: text))
        let principal = Principal(actor: actor, role: .officer)
        guard let key else {
            let receipt = try await desk.desk.commands.run(command, by: principal, over: .unix)
            return Answer(reportID: receipt.report.id.rawValue, replayed: false)
        }
        let executed = try await desk.desk.commands.run(
            command, by: principal, over: .unix,
            key: IdempotencyClaim(key: key, principal: actor.rawValue, requestHash: hash),
            answer: { receipt in
                StoredResponse(
                    status: 201, contentType: "text/plain", location: "/v1/reports/\(receipt.report.id)",
                    body: Array(receipt.report.id.rawValue.utf8))
            })
        switch executed {
        case .done(let receipt, let answer, _):
            #expect(answer?.body == Array(receipt.report.id.rawValue.utf8))
            return Answer(reportID: receipt.report.id.rawValue, replayed: false)
        case .replayed(let stored):
            #expect(stored.status == 201 && stored.location?.hasPrefix("/v1/reports/") == true)
            return Answer(reportID: String(decoding: stored.body, as: UTF8.self), replayed: true)
        }
    }

    @Test(arguments: TestEngine.all) func aRetryWithTheSameKeyReturnsTheStoredAnswer(engine: TestEngine) async throws {
        let desk = try await CorrelatedDesk(engine)
        let first = try await Self.submit(desk, key: "k-1")
        let before = try desk.database.rowCounts()
        let again = try await Self.submit(desk, key: "k-1")
        #expect(!first.replayed)
        #expect(again == Answer(reportID: first.reportID, replayed: true))
        #expect(try desk.database.rowCounts()["report"] == 1)
        // A replay writes nothing: not an event, not a row.
        #expect(try desk.database.rowCounts() == before)
    }

    @Test(arguments: TestEngine.all) func keysAreForgottenAfterTheirLifetime(engine: TestEngine) async throws {
        let desk = try await CorrelatedDesk(engine)
        desk.desk.settings.update { $0.keyLifetime = 3600 }
        let first = try await Self.submit(desk, key: "k-1")
        desk.clock.advance(minutes: 59)
        #expect(try await desk.desk.timers.expireIdempotencyKeys() == 0)
        #expect(try await Self.submit(desk, key: "k-1").replayed)
        desk.clock.advance(minutes: 2)
        #expect(try await desk.desk.timers.expireIdempotencyKeys() == 1)
        // After its lifetime the key names a new request: a new report, stored once more.
        let later = try await Self.submit(desk, key: "k-1", hash: "h2")
        #expect(!later.replayed && later.reportID != first.reportID)
    }

    @Test(arguments: TestEngine.all) func theSameKeyForADifferentRequestIsRefused(engine: TestEngine) async throws {
        let desk = try await CorrelatedDesk(engine)
        _ = try await Self.submit(desk, key: "k-1")
        let before = try desk.database.rowCounts()
        await #expect(throws: DeskError.idempotencyKeyReused("k-1")) {
            _ = try await Self.submit(desk, text: "Något annat", key: "k-1", hash: "h2")
        }
        #expect(try desk.database.rowCounts() == before)
    }

    @Test(arguments: TestEngine.all) func aCommandThatFailsLeavesNoKeyBehind(engine: TestEngine) async throws {
        let desk = try await CorrelatedDesk(engine)
        let principal = Principal(actor: .unixUser("officer"), role: .officer)
        let claim = IdempotencyClaim(key: "k-note", principal: "unix:officer", requestHash: "n1")
        let answer: @Sendable (IncidentUpdate) throws -> StoredResponse = { _ in
            StoredResponse(status: 200, contentType: nil, location: nil, body: [])
        }
        let missing = AddNote(incidentID: "0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9d", text: "Ingen sådan")
        await #expect(throws: DeskError.self) {
            _ = try await desk.desk.commands.run(missing, by: principal, key: claim, answer: answer)
        }
        let keys = try await desk.database.number("SELECT count(*) FROM idempotent_response")
        #expect(keys == 0)
        // The same key then works for the request once it can succeed.
        let report = try await desk.report("bredang", "Det brinner i en bil just nu")
        let note = AddNote(incidentID: report.incident.id.rawValue, text: "Räddningstjänsten är på plats")
        let first = try await desk.desk.commands.run(note, by: principal, key: claim, answer: answer)
        #expect(first.outcome != nil)
        let retry = try await desk.desk.commands.run(note, by: principal, key: claim, answer: answer)
        #expect(retry.outcome == nil)
        let notes = try await desk.kinds(report.incident.id).filter { $0 == .noteAdded }
        #expect(notes.count == 1)
    }

    @Test(arguments: TestEngine.all) func keysArePerPrincipal(engine: TestEngine) async throws {
        let desk = try await CorrelatedDesk(engine)
        let alice = try await Self.submit(desk, key: "same", actor: .unixUser("alice"))
        let bob = try await Self.submit(
            desk, text: "Vattnet forsar in i källaren", key: "same", actor: .unixUser("bob"))
        #expect(alice.reportID != bob.reportID)
        #expect(!bob.replayed)
    }

    @Test(arguments: TestEngine.all) func concurrentRetriesStoreOneReport(engine: TestEngine) async throws {
        let desk = try await CorrelatedDesk(engine)
        let answers = try await withThrowingTaskGroup(of: Answer.self) { group in
            for _ in 0..<12 {
                group.addTask { try await Self.submit(desk, key: "race") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(answers.map(\.reportID)).count == 1)
        #expect(answers.filter { !$0.replayed }.count == 1)
        #expect(try desk.database.rowCounts()["report"] == 1)
        #expect(try desk.database.rowCounts()["incident"] == 1)
    }

    @Test(arguments: TestEngine.all) func withoutAKeyEveryRequestIsANewReport(engine: TestEngine) async throws {
        let desk = try await CorrelatedDesk(engine)
        _ = try await Self.submit(desk, key: nil)
        _ = try await Self.submit(desk, key: nil)
        #expect(try desk.database.rowCounts()["report"] == 2)
    }
}
