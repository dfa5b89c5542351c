import DeskCore
import DeskTestSupport
import Foundation
import Synchronization
import Testing

@testable import DeskStorage

/// A clock set to a fixed instant that the test moves by hand.
final class DutyClock: WallClock {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func advance(minutes: Double) { current.withLock { $0 += minutes * 60 } }
    func advance(days: Double) { advance(minutes: days * 1440) }
}

/// Friday 2026-11-20 13:00 in Stockholm: first-aid shift 0 (fa1) of a rotation that started that morning.
let dutyStart = Timestamp.parse("2026-11-20T12:00:00.000Z") ?? Date()

/// Bredäng has three first-aid responders in a daily rotation, two psychosocial in a weekly one and
/// a coordinator; neighbouring Sätra has one first-aider; `nat` is the national duty officer.
let dutyRoster: Roster = {
    func person(_ id: String, _ roles: [DutyRole], _ area: String, user: String? = nil) -> Responder {
        Responder(
            id: id, name: id.uppercased(), contact: "+46 70 000 00 00", roles: roles, areas: [area], unixUser: user)
    }
    func rotation(_ id: String, _ area: String, _ role: DutyRole, days: Int, _ people: [String]) -> Rotation {
        guard let handoff = LocalTime("08:00"), let starts = LocalDate("2026-11-20") else { fatalError("test dates") }
        return Rotation(
            id: id, area: area, role: role, shiftDays: days, handoff: handoff, starts: starts, participants: people)
    }
    return Roster(
        responders: [
            person("fa1", [.firstAid], "bredang", user: "anna"), person("fa2", [.firstAid], "bredang", user: "bo"),
            person("fa3", [.firstAid], "bredang"), person("ps1", [.psychosocial], "bredang", user: "pia"),
            person("ps2", [.psychosocial], "bredang"), person("co1", [.coordinator], "bredang", user: "cora"),
            person("sfa1", [.firstAid], "satra"), person("nat", [.coordinator], "bredang"),
        ],
        rotations: [
            rotation("bredang-fa", "bredang", .firstAid, days: 1, ["fa1", "fa2", "fa3"]),
            rotation("bredang-ps", "bredang", .psychosocial, days: 7, ["ps1", "ps2"]),
            rotation("bredang-co", "bredang", .coordinator, days: 7, ["co1"]),
            rotation("satra-fa", "satra", .firstAid, days: 1, ["sfa1"]),
        ])
}()

/// The incident desk and the duty desk over one real SQLite file, with a hand-moved clock.
struct DutyFixture {
    let place: TestDatabasePlace
    let database: any DeskStorageBackend
    let desk: Desk
    let clock: DutyClock

    init(
        engine: TestEngine = .sqlite, policy: TriggerPolicy = .standard, receivers: [String] = [],
        textReceiver: String? = nil,
        roster: Roster = dutyRoster, reopening other: DutyFixture? = nil,
        attempts: @escaping @Sendable ([DeliveryAttempt]) -> Void = { _ in }
    ) async throws {
        place = try other?.place ?? TestDatabasePlace.fresh(engine)
        clock = other?.clock ?? DutyClock(dutyStart)
        database = try place.open()
        if other == nil { _ = try database.syncAreas(testAreas) }
        var policy = policy
        policy.nationalDutyOfficers = ["nat"]
        desk = try await makeDesk(
            database, clock: clock,
            duty: DutySettings(
                policy: policy, calendar: LocalCalendar(timeZone: TimeZone(identifier: "Europe/Stockholm") ?? .gmt),
                receivers: receivers, textReceiver: textReceiver),
            observers: [{ effects in if !effects.attempts.isEmpty { attempts(effects.attempts) } }])
        if other == nil { _ = try await desk.importRoster(roster, actor: .system) }
    }

    func report(_ text: String, area: String = "bredang", phase: Phase? = nil) async throws -> Incident {
        try await desk.submit(ReportFields(area: area, text: text, phase: phase)).incident
    }

    func callOuts(_ incident: Incident, role: DutyRole? = nil) async throws -> [CallOut] {
        try await desk.callOuts(CallOutQuery(incident: incident.id), mine: nil).filter {
            role == nil || $0.role == role
        }
        .sorted { $0.id < $1.id }
    }

    func kinds(_ incident: Incident) async throws -> [String] {
        try await desk.incidents.timeline(of: incident.id.rawValue, page: try PageRequest(limit: 500)).items.map(
            \.kind.rawValue)
    }
}

let firstAidOnly = TriggerPolicy(rules: [.init(phase: .during, role: .firstAid, count: 2, ackWithin: 300)])

@Suite struct DutyTests {
    @Test(arguments: TestEngine.all) func aDuringReportCallsOutWhoIsOnDuty(engine: TestEngine) async throws {
        let fixture = try await DutyFixture(engine: engine)
        let incident = try await fixture.report("Skottlossning på torget, två skadade", phase: .during)
        let summary = try await fixture.desk.timers.runDueWork()
        #expect(summary.incidentsStaffed == 1 && summary.callOutsCreated == 3)
        let firstAid = try await fixture.callOuts(incident, role: .firstAid)
        #expect(firstAid.map(\.responderID) == ["fa1", "fa2"])
        #expect(firstAid.map(\.state) == [.pending, .pending])
        #expect(firstAid[0].source == "rotation:bredang-fa/0" && firstAid[1].source == "next-in-rotation:bredang-fa")
        #expect(firstAid[0].dueAt == dutyStart.addingTimeInterval(300))
        #expect(try await fixture.callOuts(incident, role: .psychosocial).map(\.responderID) == ["ps1"])
        // The STATUS= line counts the call-outs waiting for an answer without fetching them.
        #expect(try await fixture.desk.duty.callOutsAwaitingAnswer() == 3)
        // Running again does nothing more: the phase is staffed once.
        #expect(try await fixture.desk.timers.runDueWork() == DutyWorkSummary())
        #expect(try await fixture.kinds(incident).filter { $0 == "callout.created" }.count == 3)
    }

    @Test(arguments: TestEngine.all) func escalationWalksTheChainToUnstaffed(engine: TestEngine) async throws {
        let fixture = try await DutyFixture(engine: engine, policy: firstAidOnly)
        let incident = try await fixture.report("Brand i trapphuset, rök överallt", phase: .during)
        try await fixture.desk.timers.runDueWork()
        // Each 5 minutes without an answer moves every open call-out one step down the chain:
        // the rest of the rotation, the neighbour's rotation, the coordinator, the national officer.
        var called: [[String]] = []
        for _ in 0..<4 {
            fixture.clock.advance(minutes: 5)
            try await fixture.desk.timers.runDueWork()
            called.append(
                try await fixture.callOuts(incident).filter { $0.state.isOpen }.map(\.responderID).sorted())
        }
        #expect(called == [["fa3", "sfa1"], ["co1", "nat"], [], []])
        // The STATUS= line's count, from the database's count: none waits any longer.
        #expect(try await fixture.desk.duty.callOutsAwaitingAnswer() == 0)
        let all = try await fixture.callOuts(incident)
        #expect(all.map(\.responderID) == ["fa1", "fa2", "fa3", "sfa1", "co1", "nat"])
        #expect(all.filter { $0.state == .escalated }.count == 4)
        #expect(all.filter { $0.state == .expired }.map(\.responderID).sorted() == ["co1", "nat"])
        #expect(try await fixture.desk.duty.isUnstaffed(incident.id))
        let kinds = try await fixture.kinds(incident)
        #expect(kinds.filter { $0 == "incident.unstaffed" }.count == 1)
        #expect(kinds.filter { $0 == "callout.escalated" }.count == 4)
        // Nothing is left to do.
        fixture.clock.advance(minutes: 60)
        #expect(try await fixture.desk.timers.runDueWork() == DutyWorkSummary())
    }

    @Test(arguments: TestEngine.all) func declineEscalatesAtOnceAndOnlyTheResponderMayAnswer(
        engine: TestEngine
    ) async throws {
        let fixture = try await DutyFixture(engine: engine, policy: firstAidOnly)
        let incident = try await fixture.report("Knivskuren man vid centrum", phase: .during)
        try await fixture.desk.timers.runDueWork()
        let annas = try await fixture.desk.callOuts(CallOutQuery(), mine: .unixUser("anna"))
        #expect(annas.map(\.responderID) == ["fa1"])
        // bo (fa2) may not answer anna's call-out.
        await #expect(throws: DeskError.self) {
            _ = try await fixture.desk.acknowledge(annas[0].id.rawValue, note: nil, actor: .unixUser("bo"))
        }
        // A local user bound to no responder is told how to fix that.
        do {
            _ = try await fixture.desk.callOuts(CallOutQuery(), mine: .unixUser("mallory"))
            Issue.record("an unbound user listed call-outs")
        } catch DeskError.forbidden(let reason) {
            #expect(reason.contains("no responder is bound to unix:mallory"))
        }
        let declined = try await fixture.desk.decline(
            annas[0].id.rawValue, reason: "I am abroad", actor: .unixUser("anna"))
        #expect(declined.callOut.state == .declined && declined.callOut.reason == "I am abroad")
        #expect(declined.replacement?.responderID == "fa3")
        // Declined is final: acknowledging it now conflicts.
        do {
            _ = try await fixture.desk.acknowledge(annas[0].id.rawValue, note: nil, actor: .unixUser("anna"))
            Issue.record("acknowledged a declined call-out")
        } catch DeskError.conflict(.callOutClosed(_, let state)) {
            #expect(state == "declined")
        }
        let bos = try await fixture.desk.callOuts(CallOutQuery(), mine: .unixUser("bo"))
        let acknowledged = try await fixture.desk.acknowledge(
            bos[0].id.rawValue, note: "on my way", actor: .unixUser("bo"))
        #expect(acknowledged.callOut.state == .acknowledged)
        // An acknowledged call-out never escalates.
        fixture.clock.advance(minutes: 30)
        try await fixture.desk.timers.runDueWork()
        #expect(try await fixture.callOuts(incident).first { $0.responderID == "fa2" }?.state == .acknowledged)
        let kinds = try await fixture.kinds(incident)
        #expect(kinds.contains("callout.declined") && kinds.contains("callout.acknowledged"))
    }

    @Test(arguments: TestEngine.all) func aRestartInTheMiddleOfAnEscalationNeitherLosesNorRepeatsAStep(
        engine: TestEngine
    ) async throws {
        let first = try await DutyFixture(engine: engine, policy: firstAidOnly)
        let incident = try await first.report("Explosion i källaren, flera skadade", phase: .during)
        try await first.desk.timers.runDueWork()
        first.clock.advance(minutes: 7)
        try first.database.close()
        // The daemon was down when the call-outs ran out; a new one over the same file escalates
        // each exactly once, even when its timers run twice.
        let second = try await DutyFixture(policy: firstAidOnly, reopening: first)
        let summary = try await second.desk.timers.runDueWork()
        #expect(summary.escalated == 2)
        #expect(try await second.desk.timers.runDueWork().escalated == 0)
        let all = try await second.callOuts(incident)
        #expect(all.map(\.responderID) == ["fa1", "fa2", "fa3", "sfa1"])
        #expect(all.map(\.step) == [0, 0, 1, 1])
        #expect(try await second.kinds(incident).filter { $0 == "callout.escalated" }.count == 2)
        #expect(try await second.desk.records.verify().intact)
    }

    @Test(arguments: TestEngine.all) func theAfterPhaseCallsPsychosocialSupportAndSchedulesFollowUps(
        engine: TestEngine
    ) async throws {
        let fixture = try await DutyFixture(engine: engine)
        let incident = try await fixture.report("Skottlossning vid skolan, en skadad", phase: .during)
        try await fixture.desk.timers.runDueWork()
        let update = try await fixture.desk.changePhase(
            of: incident.id.rawValue, to: .after, reason: "acute phase over", actor: .unixUser("officer"))
        #expect(update.incident.phase == .after)
        try await fixture.desk.timers.runDueWork()
        // ps1 was called on scene already; after needs two, so ps2 is added (nobody twice).
        let psychosocial = try await fixture.callOuts(incident, role: .psychosocial)
        #expect(psychosocial.map(\.responderID) == ["ps1", "ps2"])
        let followUps = try await fixture.desk.followUps(FollowUpQuery(incident: incident.id), mine: nil)
        #expect(followUps.map(\.label) == ["+1 day", "+7 days", "+30 days"])
        #expect(Set(followUps.compactMap(\.ownerID)).count == 1)
        // pia (ps1) owns them once she acknowledges; here ps1 was first called and owns them.
        let mine = try await fixture.desk.followUps(FollowUpQuery(), mine: .unixUser("pia"))
        #expect(mine.count == (followUps[0].ownerID == "ps1" ? 3 : 0))
    }

    @Test(arguments: TestEngine.all) func overdueFollowUpsGoToTheCoordinatorAndCanBeCompleted(
        engine: TestEngine
    ) async throws {
        let fixture = try await DutyFixture(
            engine: engine,
            policy: TriggerPolicy(
                rules: [.init(phase: .after, role: .psychosocial, count: 1, ackWithin: 3600, followUps: [86_400])],
                followUpGrace: 6 * 3600))
        let incident = try await fixture.report("Boende är rädda efter branden", phase: .after)
        try await fixture.desk.timers.runDueWork()
        let followUp = try #require(try await fixture.desk.followUps(FollowUpQuery(), mine: nil).first)
        #expect(followUp.ownerID == "ps1" && followUp.dueAt == dutyStart.addingTimeInterval(86_400))
        fixture.clock.advance(days: 1)
        #expect(try await fixture.desk.followUps(FollowUpQuery(dueBefore: fixture.clock.now()), mine: nil).isEmpty)
        fixture.clock.advance(minutes: 1)
        #expect(try await fixture.desk.followUps(FollowUpQuery(dueBefore: fixture.clock.now()), mine: nil).count == 1)
        try await fixture.desk.timers.runDueWork()  // within the grace: still with its owner
        #expect(try await fixture.desk.duty.followUp(followUp.id)?.state == .open)
        fixture.clock.advance(minutes: 6 * 60)
        #expect(try await fixture.desk.timers.runDueWork().followUpsEscalated == 1)
        let escalated = try #require(try await fixture.desk.duty.followUp(followUp.id))
        #expect(escalated.state == .escalated && escalated.escalatedTo == "co1")
        // The coordinator sees it as theirs and completes it; completing twice conflicts.
        #expect(try await fixture.desk.followUps(FollowUpQuery(), mine: .unixUser("cora")).map(\.id) == [followUp.id])
        await #expect(throws: DeskError.self) {
            _ = try await fixture.desk.complete(followUp.id.rawValue, outcome: "called", actor: .unixUser("anna"))
        }
        let done = try await fixture.desk.complete(
            followUp.id.rawValue, outcome: "Family doing better; referred to the school counsellor",
            actor: .unixUser("cora"))
        #expect(done.state == .done && done.completedBy == "co1")
        do {
            _ = try await fixture.desk.complete(followUp.id.rawValue, outcome: "again", actor: .unixUser("cora"))
            Issue.record("completed twice")
        } catch DeskError.conflict(.followUpClosed) {}
        let kinds = try await fixture.kinds(incident)
        #expect(kinds.contains("followup.scheduled") && kinds.contains("followup.escalated"))
        #expect(kinds.contains("followup.completed"))
    }

    @Test(arguments: TestEngine.all) func closingAnIncidentCancelsItsOpenCallOuts(engine: TestEngine) async throws {
        let fixture = try await DutyFixture(engine: engine, policy: firstAidOnly)
        let incident = try await fixture.report("Bilbrand på parkeringen", phase: .during)
        try await fixture.desk.timers.runDueWork()
        _ = try await fixture.desk.close(incident.id.rawValue, outcome: "false alarm", actor: .unixUser("officer"))
        #expect(try await fixture.desk.timers.runDueWork().cancelled == 2)
        #expect(try await fixture.callOuts(incident).map(\.state) == [.cancelled, .cancelled])
        fixture.clock.advance(minutes: 10)
        #expect(try await fixture.desk.timers.runDueWork() == DutyWorkSummary())
    }

    @Test(arguments: TestEngine.all) func rosterChangesAreCheckedAndRecorded(engine: TestEngine) async throws {
        let fixture = try await DutyFixture(engine: engine)
        let slot = try await fixture.desk.duty.onDuty(area: "Bredäng", role: .firstAid, at: nil)
        #expect(slot.map { $0.onDuty?.id } == ["fa1"])
        #expect(slot[0].next?.id == "fa2")
        #expect(slot[0].nextHandoff == Timestamp.parse("2026-11-21T07:00:00.000Z"))
        // An override for the next two hours.
        let override = try await fixture.desk.addOverride(
            area: "bredang", role: .firstAid, responder: "fa3", starts: dutyStart, ends: dutyStart + 7200,
            reason: "swap with anna", actor: .unixUser("cora"))
        #expect(try await fixture.desk.duty.onDuty(area: "bredang", role: .firstAid, at: nil)[0].onDuty?.id == "fa3")
        #expect(override.id.hasPrefix("o-"))
        // Bad input names the field and changes nothing.
        await #expect(throws: DeskError.self) {
            _ = try await fixture.desk.addOverride(
                area: "bredang", role: .firstAid, responder: "ps1", starts: dutyStart, ends: dutyStart + 60,
                reason: nil, actor: .system)
        }
        do {
            _ = try await fixture.desk.addResponder(
                Responder(id: "fa1", name: "Again", contact: "x", roles: [.firstAid], areas: ["bredang"]),
                actor: .system)
            Issue.record("added a duplicate")
        } catch DeskError.conflict(.responderExists("fa1")) {}
        do {
            _ = try await fixture.desk.addResponder(
                Responder(id: "new", name: "", contact: "x", roles: [], areas: ["atlantis"]), actor: .system)
            Issue.record("added an invalid responder")
        } catch DeskError.invalid(let issues) {
            #expect(issues.map(\.pointer) == ["/name", "/roles", "/areas/0"])
        }
        // A responder cannot lose a role a rotation needs.
        do {
            _ = try await fixture.desk.updateResponder("fa1", ResponderPatch(roles: [.psychosocial]), actor: .system)
            Issue.record("removed a needed role")
        } catch DeskError.invalid {}
        let renamed = try await fixture.desk.updateResponder(
            "fa1", ResponderPatch(contact: "+46 70 111 11 11"), actor: .system)
        #expect(renamed.contact == "+46 70 111 11 11")
        // An import that overlaps two rotations is refused whole.
        var broken = dutyRoster
        broken.rotations.append(broken.rotations[0])
        broken.rotations[4].id = "copy"
        await #expect(throws: DeskError.self) { _ = try await fixture.desk.importRoster(broken, actor: .system) }
        #expect(try await fixture.desk.duty.roster().rotations.count == 4)
        let events = try await fixture.desk.incidents.timeline(since: nil, page: try PageRequest(limit: 100)).items
        #expect(
            events.map(\.kind.rawValue).filter {
                $0.hasPrefix("roster.") || $0.hasPrefix("responder.") || $0.hasPrefix("override.")
            }
                == ["roster.imported", "override.added", "responder.updated"])
    }
}
