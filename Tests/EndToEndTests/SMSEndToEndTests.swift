import DeskAPIModels
import Foundation
import Testing

/// Issue 33: the whole text loop through the built deskd, with a stand-in gateway that speaks
/// 46elks' send API (Helpers/sms-gateway.py) and inbound texts posted as 46elks posts them.
@Suite struct SMSEndToEndTests {
    static let inboundSecret = "an-inbound-secret-of-32-bytes!!!"

    /// The stand-in gateway process, stopped by `stop()`.
    final class Gateway {
        let process = Process()
        let log: String
        let port: Int

        init(directory: String) throws {
            log = directory + "/texts.jsonl"
            let portFile = directory + "/gateway.port"
            FileManager.default.createFile(atPath: log, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [
                repositoryRoot + "/Tests/EndToEndTests/Helpers/sms-gateway.py", "u0123abc", "gateway-password", log,
                portFile,
            ]
            try process.run()
            let deadline = Date().addingTimeInterval(10)
            var port: Int?
            while port == nil && Date() < deadline {
                port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
                if port == nil { usleep(20_000) }
            }
            guard let port else {
                process.terminate()
                throw HarnessError("the stand-in SMS gateway did not start")
            }
            self.port = port
        }

        /// The texts accepted so far: `from`, `to`, `message`.
        var texts: [[String: String]] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
            }
        }

        /// Waits (at most 20 s) until `done` holds for the texts.
        func wait(for what: String, _ done: ([[String: String]]) -> Bool) throws -> [[String: String]] {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                let texts = self.texts
                if done(texts) { return texts }
                usleep(50_000)
            }
            throw HarnessError("no \(what) within 20 s; the gateway got: \(texts)")
        }

        /// SIGTERM, then SIGKILL after 5 s.
        func stop() {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    /// Posts a text to deskd as 46elks does; returns the HTTP status.
    static func post(_ daemon: DaemonProcess, id: String, from: String, message: String) throws -> String {
        try runProgram(
            "/usr/bin/curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "46elks:\(inboundSecret)",
                "--data-urlencode", "id=\(id)", "--data-urlencode", "from=\(from)",
                "--data-urlencode", "to=+46766861004", "--data-urlencode", "message=\(message)",
                "--data-urlencode", "direction=incoming", "--data-urlencode", "created=2026-12-06 03:10:00.000",
                "\(daemon.url)/v1/sms/46elks",
            ]
        ).stdout
    }

    /// The reference a call-out text asks to be answered with (`Svara JA 4F2 eller NEJ 4F2`).
    static func reference(_ message: String?) -> String? {
        guard let message, let range = message.range(of: "Svara JA ") else { return nil }
        return String(message[range.upperBound...].prefix(3))
    }

    @Test func aCallOutIsTextedAndAnsweredByTextAndUnknownNumbersGetOneAnswer() throws {
        let gatewayDirectory = "/tmp/desk-sms-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: gatewayDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: gatewayDirectory) }
        let gateway = try Gateway(directory: gatewayDirectory)
        defer { gateway.stop() }
        let daemon = try DaemonProcess(
            extraConfig: """
                [[receiver]]
                name = "sms"
                kind = "sms"
                provider = "46elks"
                url = "http://127.0.0.1:\(gateway.port)"
                username = "u0123abc"
                password = "gateway-password"
                from = "RodaKorset"
                inbound_password = "\(Self.inboundSecret)"
                """, roster: true)
        try daemon.start()
        defer { _ = try? daemon.stop() }

        // A during report: the on-duty first-aiders get texts (and the psychosocial responder).
        let reported = try daemon.ctl(
            "report", "--area", "rinkeby", "--phase", "during", "--json", "--text",
            "Brand i trapphuset på Rinkebytorget, två personer skadade")
        #expect(reported.status == 0, "\(reported.stderr)")
        let incident = try decodeJSON(ReportCreatedBody.self, reported.stdout).incident.id
        let firstAid = try gateway.wait(for: "two first-aid call-out texts") {
            $0.filter { $0["message"]?.contains("första hjälpen") == true }.count == 2
        }
        .filter { $0["message"]?.contains("första hjälpen") == true }
        #expect(firstAid.allSatisfy { $0["from"] == "RodaKorset" && $0["to"]?.hasPrefix("+4670174060") == true })
        let first = try #require(firstAid.first)
        let firstNumber = try #require(first["to"])
        let firstReference = try #require(Self.reference(first["message"]), "\(first)")

        // "JA 4F2", posted as 46elks posts it, and the gateway's retry of the same message.
        #expect(
            try Self.post(daemon, id: "s0001e2einbound", from: firstNumber, message: "JA \(firstReference)") == "200")
        #expect(
            try Self.post(daemon, id: "s0001e2einbound", from: firstNumber, message: "JA \(firstReference)") == "200")
        var timeline = try decodeJSON(
            PageBody<EventBody>.self, try daemon.ctl("incident", "timeline", incident, "--json").stdout)
        let acknowledged = timeline.items.filter { $0.kind == "callout.acknowledged" }
        #expect(acknowledged.count == 1)
        #expect(acknowledged.first?.actor == "sms:\(firstNumber)")
        // The lists say how each call-out was sent and answered.
        var answered: CallOutBody?
        for _ in 0..<100 where answered?.sentVia == nil {
            let listed = try decodeJSON(
                ItemsBody<CallOutBody>.self, try daemon.ctl("callout", "list", "--incident", incident, "--json").stdout)
            answered = listed.items.first { $0.state == "acknowledged" }
            if answered?.sentVia == nil { usleep(50_000) }
        }
        #expect(answered?.sentVia == "sms" && answered?.answeredVia == "sms", "\(String(describing: answered))")
        let table = try daemon.ctl("callout", "list", "--incident", incident).stdout
        #expect(table.contains("SENT") && table.contains("ANSWERED") && table.contains("SMS"), "\(table)")
        _ = try gateway.wait(for: "the confirmation text") {
            $0.contains {
                $0["to"] == firstNumber && $0["message"]?.hasPrefix("Tack! Du är anmäld till \(firstReference)") == true
            }
        }

        // "NEJ" from the second first-aider: the next person in the chain is texted at once.
        let second = try #require(firstAid.last)
        let secondNumber = try #require(second["to"])
        #expect(secondNumber != firstNumber)
        #expect(try Self.post(daemon, id: "s0002e2einbound", from: secondNumber, message: "NEJ") == "200")
        let afterDecline = try gateway.wait(for: "a text to the next person") {
            $0.filter { $0["message"]?.contains("första hjälpen") == true }.count == 3
        }
        let third = try #require(afterDecline.last { $0["message"]?.contains("första hjälpen") == true })
        #expect(third["to"] != firstNumber && third["to"] != secondNumber, "\(afterDecline)")
        timeline = try decodeJSON(
            PageBody<EventBody>.self, try daemon.ctl("incident", "timeline", incident, "--json").stdout)
        #expect(timeline.items.filter { $0.kind == "callout.declined" }.map(\.actor) == ["sms:\(secondNumber)"])

        // A number no responder has: one polite answer however often it writes, nothing stored.
        let incidents = try daemon.ctl("incident", "list", "--json").stdout
        for id in 1...3 {
            #expect(try Self.post(daemon, id: "s00\(id)stranger", from: "+46709999999", message: "JA") == "200")
        }
        _ = try gateway.wait(for: "the answer to the unknown number") { $0.contains { $0["to"] == "+46709999999" } }
        usleep(500_000)
        #expect(gateway.texts.filter { $0["to"] == "+46709999999" }.count == 1)
        #expect(try daemon.ctl("incident", "list", "--json").stdout == incidents)
        timeline = try decodeJSON(
            PageBody<EventBody>.self, try daemon.ctl("incident", "timeline", incident, "--json").stdout)
        #expect(!timeline.items.contains { $0.actor == "sms:+46709999999" })
        #expect(daemon.log(contains: "text from a number no responder has (+4670999****)"))
        #expect(!daemon.log(contains: "+46709999999"))
        #expect(try daemon.ctl("verify").status == 0)
    }
}
