import DeskAPIModels
import DeskCore
import Foundation
import GRDB
import Testing

/// `POST /v1/backups` while reports keep arriving: the copy opens, is whole, and its timeline verifies.
@Suite struct BackupAPITests {
    @Test func aBackupTakenWhileWritingIsConsistent() async throws {
        try await TestServer.with { server in
            for index in 0..<20 {
                _ = try await server.send(
                    .unix, .POST, "/v1/reports", body: #"{"area": "rinkeby", "text": "Brand nummer \#(index)"}"#)
            }
            // Writers keep going during the backup.
            async let writes: Void = {
                for index in 0..<30 {
                    _ = try await server.send(
                        .tcp, .POST, "/v1/reports", body: #"{"area": "tensta", "text": "Rök i trapphus \#(index)"}"#)
                }
            }()
            let response = try await server.send(.unix, .POST, "/v1/backups", body: #"{"name": "mid-load"}"#)
            try await writes
            #expect(response.status == 201, "\(response.text)")
            let summary = try response.decode(BackupSummary.self)
            #expect(summary.integrity == "ok")
            #expect(summary.timeline.intact)
            #expect(summary.path.hasSuffix("/backups/mid-load.sqlite"))
            // The copy is a database of its own, consistent: every report has its incident and events.
            let copy = try DatabaseQueue(path: summary.path)
            let (reports, orphans, events) = try await copy.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM report") ?? 0,
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM report WHERE incident_id NOT IN (SELECT id FROM incident)")
                        ?? -1,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0
                )
            }
            try copy.close()
            #expect(reports >= 20)
            #expect(orphans == 0)
            #expect(events == summary.timeline.events)

            let again = try await server.send(.unix, .POST, "/v1/backups", body: #"{"name": "mid-load"}"#)
            #expect(again.status == 409)
            let badName = try await server.send(.unix, .POST, "/v1/backups", body: #"{"name": "../etc/passwd"}"#)
            #expect(badName.status == 422)
            let overTCP = try await server.send(.tcp, .POST, "/v1/backups", body: #"{"name": "remote"}"#)
            #expect(overTCP.status == 403)
        }
    }
}
