import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

func decodeJSON<Value: Decodable>(_ type: Value.Type, _ text: String) throws -> Value {
    try DeskJSON.decoder().decode(type, from: Data(text.utf8))
}

func currentUserName() -> String {
    guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "uid-\(getuid())" }
    return String(cString: name)
}

/// deskd and deskctl as built, talking over real sockets; curl as an independent HTTP client.
@Suite(.ownThread, .serialized) struct EndToEndTests {
    @Test(arguments: DaemonEngine.all) func reportsOverTheSocketAndOverTCPAllShowUpWithTheirTimeline(
        engine: DaemonEngine
    ) throws {
        let daemon = try DaemonProcess(engine: engine)
        try daemon.start()
        defer { _ = try? daemon.stop() }

        let reported = try daemon.ctl(
            "report", "--area", "Bredäng", "--text", "Brand i trapphuset, pågår just nu", "--phase", "during",
            "--ongoing",
            "--injured", "2"
        )
        #expect(reported.status == 0, "\(reported.stderr)")
        #expect(reported.stdout.contains("Reported: opened incident"))
        #expect(reported.stdout.contains("Classified: during"))
        #expect(reported.stdout.contains("in bredang, phase during, open"))
        #expect(reported.stdout.contains("incident.opened"))

        let body = #"{"area":"rinkeby","text":"Many people gathering after shots were heard","phase":"during"}"#
        let overTCP = try runProgram(
            "/usr/bin/curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json",
                "-d", body, daemon.url + "/v1/reports",
            ] + (try daemon.bearer())
        )
        #expect(overTCP.stdout == "201", "\(overTCP.stderr)")
        let overSocket = try runProgram(
            "/usr/bin/curl",
            [
                "-s", "--unix-socket", daemon.socketPath, "-H", "Content-Type: application/json",
                "-d", #"{"area":"tensta","text":"Oro efter skjutningen förra veckan","phase":"after"}"#,
                "http://localhost/v1/reports",
            ]
        )
        #expect(overSocket.status == 0)
        let created = try decodeJSON(ReportCreatedBody.self, overSocket.stdout)
        #expect(created.incident.area == "tensta")

        let listed = try daemon.ctl("incident", "list", "--json")
        #expect(listed.status == 0)
        let page = try decodeJSON(PageBody<IncidentBody>.self, listed.stdout)
        #expect(page.items.map(\.area) == ["tensta", "rinkeby", "bredang"])

        let human = try daemon.ctl(
            arguments: ["incident", "list", "--url", daemon.url],
            environment: ["DESKCTL_TOKEN": try daemon.adminToken()])
        #expect(human.status == 0)
        let lines = human.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.count == 4)
        #expect(human.stdout.contains("Brand i trapphuset, pågår just nu"))
        #expect(human.stdout.contains("Many people gathering"))

        let filtered = try daemon.ctl(
            arguments: ["incident", "list", "--phase", "after", "--json"],
            environment: ["DESKCTL_SOCKET": daemon.socketPath])
        #expect(try decodeJSON(PageBody<IncidentBody>.self, filtered.stdout).items.map(\.id) == [created.incident.id])

        let bredang = try #require(page.items.last)
        let timeline = try daemon.ctl("incident", "timeline", bredang.id)
        #expect(timeline.status == 0)
        #expect(timeline.stdout.contains("unix:\(currentUserName())"))
        #expect(timeline.stdout.contains("report.received"))
        #expect(timeline.stdout.contains("report via unix, 2 injured, ongoing"))
        let timelineJSON = try decodeJSON(
            PageBody<EventBody>.self, try daemon.ctl("incident", "timeline", bredang.id, "--json").stdout)
        #expect(timelineJSON.items.map(\.kind) == ["report.received", "incident.opened"])

        let moved = try daemon.ctl("incident", "phase", bredang.id, "after", "--reason", "Släckt, boende oroliga")
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try daemon.ctl("incident", "note", bredang.id, "Samtalsstöd i lokalen kl 18").status == 0)
        #expect(try daemon.ctl("incident", "close", bredang.id, "--outcome", "Överlämnat").status == 0)
        let shown = try daemon.ctl("incident", "show", bredang.id)
        #expect(shown.stdout.contains("Phase     after"))
        #expect(shown.stdout.contains("Status    closed"))
        #expect(shown.stdout.contains("| Brand i trapphuset, pågår just nu"))
        let full = try decodeJSON(
            PageBody<EventBody>.self, try daemon.ctl("incident", "timeline", bredang.id, "--json").stdout)
        #expect(
            full.items.map(\.kind) == [
                "report.received", "incident.opened", "incident.phase_changed", "note.added", "incident.closed",
            ])
        #expect(full.items.allSatisfy { $0.actor == "unix:\(currentUserName())" })

        let areas = try daemon.ctl("area", "list")
        #expect(areas.stdout.contains("Rosengård"))
        #expect(
            try daemon.ctl("report", "--area", "husby", "--text", "-", stdin: "Text från stdin\nrad två").status == 0)
    }

    @Test(arguments: DaemonEngine.all) func cliErrorsSayWhatIsWrongAndExitNonZero(engine: DaemonEngine) throws {
        let daemon = try DaemonProcess(engine: engine)
        try daemon.start()
        defer { _ = try? daemon.stop() }

        let unknownArea = try daemon.ctl("report", "--area", "bredng", "--text", "x")
        #expect(unknownArea.status == 1)
        #expect(
            unknownArea.stderr.hasPrefix(
                "Unknown area: no area \"bredng\" is served by this desk; did you mean \"bredang\"?"))
        #expect(unknownArea.stdout.isEmpty)

        let empty = try daemon.ctl("report", "--area", "bredang", "--text", "   ")
        #expect(empty.status == 1)
        #expect(empty.stderr.hasPrefix("Invalid request: text: must not be empty"))

        let missing = try daemon.ctl("incident", "show", "0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9d")
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("Incident not found: no incident has id 0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9d"))

        let badPhase = try daemon.ctl("incident", "list", "--phase", "soon")
        #expect(badPhase.status == 1)
        #expect(badPhase.stderr.contains("Invalid query parameter: phase: must be one of"))

        let id = try decodeJSON(
            ReportCreatedBody.self, try daemon.ctl("report", "--area", "alby", "--text", "Bråk", "--json").stdout
        ).incident.id
        #expect(try daemon.ctl("incident", "close", id, "--outcome", "Lugnt").status == 0)
        let twice = try daemon.ctl("incident", "close", id, "--outcome", "igen")
        #expect(twice.status == 1)
        #expect(twice.stderr.hasPrefix("Incident is closed: incident \(id) is closed; reopen it first"))

        let usage = try daemon.ctl("report", "--text", "no area")
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--area"))

        let unreachable = try daemon.ctl(arguments: ["area", "list", "--socket", daemon.directory + "/nothing.sock"])
        #expect(unreachable.status == 69)
        #expect(unreachable.stderr.contains("cannot reach deskd at unix socket \(daemon.directory)/nothing.sock"))
        let refused = try daemon.ctl(arguments: ["area", "list", "--url", "http://127.0.0.1:1"])
        #expect(refused.status == 69)
        #expect(refused.stderr.contains("cannot reach deskd at http://127.0.0.1:1"))
    }

    @Test(arguments: DaemonEngine.all) func aReportSurvivesARestartAndShutdownIsClean(engine: DaemonEngine) throws {
        let daemon = try DaemonProcess(engine: engine)
        try daemon.start()
        let created = try decodeJSON(
            ReportCreatedBody.self,
            try daemon.ctl("report", "--area", "angered", "--text", "Bilbränder i centrum", "--json").stdout
        )
        #expect(try daemon.stop() == 0)
        #expect(daemon.log(contains: "database closed cleanly"))
        #expect(daemon.log(contains: "deskd stopped"))
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))

        try daemon.start()
        defer { _ = try? daemon.stop() }
        let page = try decodeJSON(PageBody<IncidentBody>.self, try daemon.ctl("incident", "list", "--json").stdout)
        #expect(page.items.map(\.id) == [created.incident.id])
        let events = try decodeJSON(
            PageBody<EventBody>.self, try daemon.ctl("incident", "timeline", created.incident.id, "--json").stdout)
        #expect(events.items.map(\.id) == created.timeline.map(\.id))
        let detail = try decodeJSON(
            IncidentBody.self, try daemon.ctl("incident", "show", created.incident.id, "--json").stdout)
        #expect(detail.reports?.first?.text == "Bilbränder i centrum")
    }

    @Test(arguments: DaemonEngine.all) func demoDataLoadsOnceIntoAnEmptyDatabase(engine: DaemonEngine) throws {
        let daemon = try DaemonProcess(demo: true, engine: engine)
        try daemon.start()
        let first = try decodeJSON(PageBody<IncidentBody>.self, try daemon.ctl("incident", "list", "--json").stdout)
        #expect(first.items.count == 7)
        #expect(Set(first.items.map(\.phase)) == ["before", "during", "after"])
        // The demo report without a phase is placed by its text, with the signals to show for it.
        let classified = first.items.filter { (try? $0.classification?.value)?.decidedBy == .text }
        #expect(!classified.isEmpty)
        #expect(classified.allSatisfy { !((try? $0.classification?.value)?.signals.isEmpty ?? true) })
        #expect(try daemon.stop() == 0)
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let second = try decodeJSON(PageBody<IncidentBody>.self, try daemon.ctl("incident", "list", "--json").stdout)
        #expect(second.items.map(\.id) == first.items.map(\.id))
    }

    @Test func anInvalidConfigurationStopsStartUpWithOneClearMessage() throws {
        let daemon = try DaemonProcess(extraConfig: "max_body_size = 10")
        let result = try runProgram(daemon.deskd, ["--config", daemon.configPath])
        #expect(result.status == 78)
        #expect(
            result.stderr.contains(
                "deskd: invalid configuration: \(daemon.configPath):4: server.max_body_size: unknown key"))
        let missing = try runProgram(daemon.deskd, ["--config", daemon.directory + "/nope.toml"])
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("nope.toml: cannot read the file"))
    }

    @Test(arguments: DaemonEngine.all) func aSecondDaemonOnTheSameSocketIsRefused(engine: DaemonEngine) throws {
        let daemon = try DaemonProcess(engine: engine)
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let second = try runProgram(daemon.deskd, ["--config", daemon.configPath])
        #expect(second.status != 0)
        #expect(
            second.stderr.contains("already serving on \(daemon.socketPath)") || second.stderr.contains("in use"),
            "\(second.stderr)")
        // The first daemon still serves.
        #expect(try daemon.ctl("area", "list").status == 0)
    }
}
