import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

/// Rosters and call-outs through deskctl against a running deskd with the demo roster.
@Suite(.ownThread) struct DutyEndToEndTests {
    @Test(arguments: DaemonEngine.all) func aDuringReportCallsOutTheOnDutyFirstAidersWhoAcknowledgeWithDeskctl(
        engine: DaemonEngine
    ) throws {
        let daemon = try DaemonProcess(roster: true, engine: engine)
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let me = currentUserName()

        // Who is on first-aid duty in Rinkeby now; bind that responder to this local user.
        let shown = try daemon.ctl("roster", "show", "--area", "rinkeby", "--role", "first_aid", "--json")
        #expect(shown.status == 0, "\(shown.stderr)")
        let slots = try decodeJSON(RosterSlotsBody.self, shown.stdout)
        let onDuty = try #require(slots.slots.first?.onDuty)
        #expect(slots.timeZone == "Europe/Stockholm")
        let bind = try daemon.ctl("responder", "update", onDuty.id, "--unix-user", me)
        #expect(bind.status == 0, "\(bind.stderr)")
        let table = try daemon.ctl("roster", "show", "--area", "Rinkeby")
        #expect(table.stdout.contains(onDuty.name) && table.stdout.contains("NEXT"), "\(table.stdout)")

        let reported = try daemon.ctl(
            "report", "--area", "rinkeby", "--phase", "during", "--json", "--text",
            "Skottlossning vid torget, två personer skadade, polis på väg")
        #expect(reported.status == 0, "\(reported.stderr)")
        let incident = try decodeJSON(ReportCreatedBody.self, reported.stdout).incident.id

        // The duty timers run at once after a report; allow a few seconds on a loaded machine.
        var mine: [CallOutBody] = []
        for _ in 0..<100 where mine.isEmpty {
            mine = try decodeJSON(
                ItemsBody<CallOutBody>.self, try daemon.ctl("callout", "list", "--mine", "--json").stdout
            )
            .items
            if mine.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
        }
        let callOut = try #require(mine.first)
        #expect(callOut.incidentID == incident && callOut.role == "first_aid" && callOut.state == "pending")
        let all = try decodeJSON(
            ItemsBody<CallOutBody>.self, try daemon.ctl("callout", "list", "--incident", incident, "--json").stdout)
        #expect(all.items.filter { $0.role == "first_aid" }.count == 2)
        #expect(all.items.filter { $0.role == "psychosocial" }.count == 1)
        let human = try daemon.ctl("callout", "list", "--mine")
        #expect(human.stdout.contains(callOut.id) && human.stdout.contains("First aid on scene"), "\(human.stdout)")

        // Someone else's call-out: 403 saying it is not theirs, not whose it is.
        let other = try #require(all.items.first { $0.responder != onDuty.id })
        let refused = try daemon.ctl("callout", "ack", other.id)
        #expect(refused.status == 1)
        #expect(
            refused.stderr.hasPrefix("Forbidden: call-out \(other.id) is not yours (you are \(onDuty.id))"),
            "\(refused.stderr)")
        #expect(!refused.stderr.contains(other.responder))

        let ack = try daemon.ctl("callout", "ack", callOut.id, "--note", "på väg, 5 minuter")
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect(ack.stdout.contains("acknowledged"))
        let again = try daemon.ctl("callout", "ack", callOut.id)
        #expect(again.status == 1)
        #expect(again.stderr.hasPrefix("Call-out is closed: call-out \(callOut.id) is acknowledged"), "\(again.stderr)")

        let timeline = try decodeJSON(
            PageBody<EventBody>.self, try daemon.ctl("incident", "timeline", incident, "--json").stdout)
        let kinds = timeline.items.map(\.kind)
        #expect(Array(kinds.prefix(2)) == ["report.received", "incident.opened"])
        #expect(kinds.filter { $0 == "callout.created" }.count == 3)
        #expect(kinds.last == "callout.acknowledged")
        #expect(timeline.items.last?.actor == "unix:\(me)")
        #expect(try daemon.ctl("verify").status == 0)
    }

    @Test(arguments: DaemonEngine.all) func badRosterInputIsRefusedWithTheReasonAndChangesNothing(
        engine: DaemonEngine
    ) throws {
        let daemon = try DaemonProcess(roster: true, engine: engine)
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let unknownArea = try daemon.ctl("roster", "show", "--area", "atlantis")
        #expect(unknownArea.status == 1)
        #expect(unknownArea.stderr.hasPrefix("Unknown area: "))
        let badRole = try daemon.ctl("roster", "show", "--role", "surgeon")
        #expect(badRole.status == 64)
        let noResponder = try daemon.ctl(
            "override", "add", "--area", "rinkeby", "--role", "first_aid", "--responder", "r-nobody",
            "--until", "2099-01-01T00:00:00Z")
        #expect(noResponder.status == 1)
        #expect(noResponder.stderr.contains("no responder \"r-nobody\""), "\(noResponder.stderr)")
        let unknown = try daemon.ctl("responder", "update", "r-nobody", "--contact", "x")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("Responder not found: "), "\(unknown.stderr)")

        // An export imports back unchanged; the same file with two overlapping rotations is refused.
        let exported = try daemon.ctl("roster", "export")
        #expect(exported.status == 0)
        let file = daemon.directory + "/roster.json"
        try Data(exported.stdout.utf8).write(to: URL(fileURLWithPath: file))
        let reimport = try daemon.ctl("roster", "import", file)
        #expect(reimport.status == 0, "\(reimport.stderr)")
        #expect(reimport.stdout.contains("0 responders added, 170 updated, 84 rotations"), "\(reimport.stdout)")
        var document = try #require(
            try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [String: Any])
        var rotations = try #require(document["rotations"] as? [[String: Any]])
        var copy = rotations[0]
        copy["id"] = "copy"
        rotations.append(copy)
        document["rotations"] = rotations
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: file))
        let overlapping = try daemon.ctl("roster", "import", file)
        #expect(overlapping.status == 1)
        #expect(overlapping.stderr.contains("overlaps rotation"), "\(overlapping.stderr)")
        let after = try daemon.ctl("roster", "export")
        #expect(after.stdout == exported.stdout)
    }
}
