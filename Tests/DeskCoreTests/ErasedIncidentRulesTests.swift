import Foundation
import Testing

@testable import DeskCore

/// Issue 16, item 2: an incident whose personal data was erased takes no new text.
@Suite struct ErasedIncidentRulesTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let ids = IDGenerator(clock: FixedClock(instant: Date(timeIntervalSince1970: 1_795_000_000)))
    var stamp: EventStamp { EventStamp(actor: .unixUser("officer"), at: now, ids: ids) }

    func erased(status: IncidentStatus) -> Incident {
        Incident(
            id: ids.next(), areaID: "bredang", title: "[erased]", phase: .during, category: .fire, severity: nil,
            status: status, openedAt: now.addingTimeInterval(-86_400 * 40),
            updatedAt: now.addingTimeInterval(-86_400 * 35),
            closedAt: status == .closed ? now.addingTimeInterval(-86_400 * 35) : nil,
            outcome: status == .closed ? "[erased]" : nil, reportCount: 2,
            erasedAt: now.addingTimeInterval(-86_400 * 2))
    }

    @Test func everyChangeThatAddsTextIsRefused() throws {
        let limits = ReportLimits()
        for incident in [erased(status: .closed), erased(status: .open)] {
            let refused = DeskError.conflict(.incidentErased(incident.id))
            #expect(throws: refused) {
                _ = try IncidentRules.addNote(incident, text: "x", limits: limits, stamp: stamp)
            }
            #expect(throws: refused) {
                _ = try IncidentRules.confirm(incident, phase: .after, note: "x", limits: limits, stamp: stamp)
            }
            #expect(throws: refused) {
                _ = try IncidentRules.changePhase(incident, to: .after, reason: "x", limits: limits, stamp: stamp)
            }
            let report = Report(
                id: ids.next(), incidentID: incident.id, receivedAt: now, actor: .system, transport: .internalSource,
                fields: ReportFields(area: "bredang", text: "[erased]"))
            #expect(throws: refused) {
                _ = try IncidentRules.split(
                    incident, report: report, others: [], reason: "x", limits: limits, stamp: stamp)
            }
        }
        let closed = erased(status: .closed)
        #expect(throws: DeskError.conflict(.incidentErased(closed.id))) {
            _ = try IncidentRules.reopen(closed, reason: nil, limits: limits, stamp: stamp)
        }
        // One an earlier version reopened after its erasure may still be closed (the next purge erases the outcome).
        let open = erased(status: .open)
        #expect(
            try IncidentRules.close(open, outcome: "Klart", limits: limits, stamp: stamp).incident.status == .closed)
    }
}
