import DeskCore
import Foundation
import Testing

@testable import DeskStorage

/// Issue 16, item 5: a responder deactivated by a roster import or an update is taken off their
/// call-outs at once, and nobody calls them again.
@Suite struct DeactivationTests {
    @Test func aRosterImportDeactivatingSomeoneHandsTheirCallOutsOn() async throws {
        let fixture = try await DutyFixture(policy: firstAidOnly)
        let incident = try await fixture.report("Brand i trapphuset, rök överallt", phase: .during)
        try await fixture.desk.timers.runDueWork()
        #expect(try await fixture.callOuts(incident).map(\.responderID) == ["fa1", "fa2"])
        _ = try await fixture.desk.acknowledge(
            "\(try await fixture.callOuts(incident)[1].id)", note: nil, actor: .unixUser("bo"))

        var roster = dutyRoster
        roster.responders = roster.responders.map { responder in
            var changed = responder
            if ["fa1", "fa2"].contains(responder.id) { changed.active = false }
            return changed
        }
        _ = try await fixture.desk.importRoster(roster, actor: .system)
        let after = try await fixture.callOuts(incident)
        // fa1's pending and fa2's acknowledged call-outs both went on, without waiting for their time.
        #expect(after.filter { ["fa1", "fa2"].contains($0.responderID) }.map(\.state) == [.escalated, .escalated])
        #expect(after.filter(\.state.isOpen).map(\.responderID).sorted() == ["fa3", "sfa1"])
        let kinds = try await fixture.kinds(incident)
        #expect(kinds.filter { $0 == "callout.escalated" }.count == 2)
        // Later escalations never come back to them.
        fixture.clock.advance(minutes: 5)
        try await fixture.desk.timers.runDueWork()
        #expect(
            try await fixture.callOuts(incident).filter(\.state.isOpen).map(\.responderID).sorted() == ["co1", "nat"])
    }
}
