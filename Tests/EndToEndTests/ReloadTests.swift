import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

/// SIGHUP (`systemctl reload deskd`) applies a valid new configuration and keeps the old one
/// when the new one is broken.
@Suite(.ownThread) struct ReloadTests {
    @Test func sighupAppliesAValidConfigurationAndRefusesABrokenOne() throws {
        let directory = "/tmp/desk-reload-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rules = directory + "/classifier.toml"
        let areas = directory + "/areas.json"
        let shippedRules = try String(contentsOfFile: repositoryRoot + "/config/classifier.toml", encoding: .utf8)
        let shippedAreas = try String(contentsOfFile: repositoryRoot + "/seeds/areas.json", encoding: .utf8)
        try Data(shippedRules.utf8).write(to: URL(fileURLWithPath: rules))
        try Data(shippedAreas.utf8).write(to: URL(fileURLWithPath: areas))

        let daemon = try DaemonProcess(classifierRules: rules, areasFile: areas)
        let notify = try NotifySocket(directory: daemon.directory)
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path])
        defer { _ = try? daemon.stop() }
        _ = notify.collect(timeout: 10) { $0.contains("READY=1") }

        func probe(_ text: String) throws -> ClassificationProbe {
            try decodeJSON(ClassificationProbe.self, try daemon.ctl("classify", text, "--json").stdout)
        }
        func phase(_ text: String) throws -> String { try probe(text).phase }
        // Without a rule for it, the phase model can only guess, and asks for a duty officer's review.
        #expect(try probe("Zorbleflux vid torget").needsReview == true)

        // The area list is asked for (and its answer kept) before the reload changes it.
        #expect(try daemon.ctl("area", "list").stdout.contains("testby") == false)

        // A branch adds its own decisive term (it overrides the phase model) and a new area; reload.
        let extra =
            "\n[[rule]]\nname = \"local\"\nphase = \"during\"\nweight = 4\ndecisive = true\nterms = [\"zorbleflux\"]\n"
        try Data((shippedRules + extra).utf8).write(to: URL(fileURLWithPath: rules))
        let newArea = #"{"id": "testby", "name": "Testby", "city": "Malmö", "neighbours": []},"#
        try Data(shippedAreas.replacingOccurrences(of: #""areas": ["#, with: #""areas": ["# + newArea).utf8)
            .write(to: URL(fileURLWithPath: areas))
        kill(try #require(daemon.pid), SIGHUP)
        let reloaded = notify.collect(timeout: 10) { $0.contains("READY=1") }
        // The periodic STATUS= refresh may land in between; RELOADING=1 must come before READY=1.
        let reloading = try #require(reloaded.firstIndex { $0.contains("RELOADING=1") }, "\(reloaded)")
        #expect(reloaded[reloading].contains("MONOTONIC_USEC="))
        #expect(reloaded.last?.contains("READY=1") == true)
        #expect(reloaded.last?.contains("call-outs awaiting an answer") == true, "\(reloaded)")
        #expect(try phase("Zorbleflux vid torget") == "during", "\(daemon.logText)\n\(reloaded)")
        #expect(try daemon.ctl("area", "list").stdout.contains("testby"))

        // A broken file is refused whole: the previous rules stay live and the reason is logged.
        try Data(
            (shippedRules + extra + "\n[[rule]]\nname = \"x\"\nphase = \"soon\"\nweight = 1\nterms = [\"y\"]\n").utf8
        )
        .write(to: URL(fileURLWithPath: rules))
        kill(try #require(daemon.pid), SIGHUP)
        let refused = notify.collect(timeout: 10) { $0.contains("READY=1") }
        #expect(refused.last?.contains("STATUS=Reload failed, previous configuration kept") == true, "\(refused)")
        #expect(try phase("Zorbleflux vid torget") == "during")
        #expect(daemon.log(contains: "error deskd: MESSAGE_ID=a0401ad299cc4bd793f9548d93dd3a89"))
        #expect(daemon.log(contains: "\"soon\" is not one of before, during, after"))
        #expect(try daemon.ctl("area", "list").status == 0)
    }
}
