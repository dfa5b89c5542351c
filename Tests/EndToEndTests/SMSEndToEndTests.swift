import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

/// Issue 33: the whole text loop through the built deskd, with a stand-in gateway that speaks
/// 46elks' and Twilio's send APIs (Helpers/sms-gateway.py), and inbound texts posted as 46elks posts
/// them (basic auth) and as Twilio posts them (signed): answers, a follow-up done, a report by text,
/// and the source-address allow-list.
@Suite(.ownThread) struct SMSEndToEndTests {
    static let inboundSecret = "an-inbound-secret-of-32-bytes!!!"

    /// The stand-in gateway process, stopped by `stop()`.
    final class Gateway {
        let process = ChildProcess()
        let log: String
        let port: Int

        init(directory: String, username: String = "u0123abc", password: String = "gateway-password") throws {
            log = directory + "/texts.jsonl"
            let portFile = directory + "/gateway.port"
            FileManager.default.createFile(atPath: log, contents: nil)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [
                repositoryRoot + "/Tests/EndToEndTests/Helpers/sms-gateway.py", username, password, log, portFile,
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
        // deskd sends the polite answer before it answers the gateway's POST (SMSRoutes awaits it, no
        // outbox), and the gateway logs a text before it answers deskd: after the three 200s every
        // answer there will ever be is in the log, so no wait is needed to see that there is one.
        #expect(gateway.texts.filter { $0["to"] == "+46709999999" }.count == 1, "\(gateway.texts)")
        #expect(try daemon.ctl("incident", "list", "--json").stdout == incidents)
        timeline = try decodeJSON(
            PageBody<EventBody>.self, try daemon.ctl("incident", "timeline", incident, "--json").stdout)
        #expect(!timeline.items.contains { $0.actor == "sms:+46709999999" })
        #expect(daemon.log(contains: "text from a number no responder has (+4670999****)"))
        #expect(!daemon.log(contains: "+46709999999"))
        #expect(try daemon.ctl("verify").status == 0)
    }

    static let twilioToken = "twilio-auth-token-e2e-0123456789"
    static let twilioURL = "https://desk.example.org/v1/sms/twilio"

    /// Twilio's `X-Twilio-Signature` as Twilio documents it (base64 of HMAC-SHA1, keyed with the auth
    /// token, over the URL and the parameters sorted by name), computed by Python's hmac, not deskd's code.
    static func twilioSignature(_ parameters: [(String, String)], token: String) throws -> String {
        let signed = twilioURL + parameters.sorted { $0.0 < $1.0 }.map { $0.0 + $0.1 }.joined()
        let program =
            "import base64, hashlib, hmac, sys; "
            + "print(base64.b64encode(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha1).digest()).decode())"
        return try runProgram("/usr/bin/python3", ["-c", program, token, signed]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Posts a text to deskd as Twilio does, signed with `token`; returns the HTTP status.
    static func postTwilio(
        _ daemon: DaemonProcess, sid: String, from: String, body: String, token: String = twilioToken
    ) throws -> String {
        let parameters = [
            ("ToCountry", "SE"), ("SmsMessageSid", sid), ("NumMedia", "0"), ("From", from), ("To", "+46766861004"),
            ("Body", body), ("MessageSid", sid), ("AccountSid", "AC0123abc"), ("ApiVersion", "2010-04-01"),
        ]
        var arguments = [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H",
            "X-Twilio-Signature: \(try twilioSignature(parameters, token: token))",
        ]
        for (name, value) in parameters { arguments += ["--data-urlencode", "\(name)=\(value)"] }
        return try runProgram("/usr/bin/curl", arguments + ["\(daemon.url)/v1/sms/twilio"]).stdout
    }

    /// A responder's number in the seed roster, as E.164.
    static func seedNumber(_ responder: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/seeds/roster.json"))
        let roster = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let responders = try #require(roster["responders"] as? [[String: Any]])
        let contact = try #require(responders.first { $0["id"] as? String == responder }?["contact"] as? String)
        return contact.filter { $0 != " " }
    }

    static let swedishPhase = ["before": "förebyggande", "during": "pågår", "after": "efterarbete"]

    @Test func twilioSignedTextsCompleteAFollowUpAndReportAnIncident() throws {
        let gatewayDirectory = "/tmp/desk-sms-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: gatewayDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: gatewayDirectory) }
        let gateway = try Gateway(directory: gatewayDirectory, username: "AC0123abc", password: Self.twilioToken)
        defer { gateway.stop() }
        let daemon = try DaemonProcess(
            extraConfig: """
                [[receiver]]
                name = "sms"
                kind = "sms"
                provider = "twilio"
                url = "http://127.0.0.1:\(gateway.port)"
                username = "AC0123abc"
                password = "\(Self.twilioToken)"
                from = "RodaKorset"
                inbound_url = "\(Self.twilioURL)"
                """, roster: true)
        try daemon.start()
        defer { _ = try? daemon.stop() }

        // An "after" report: psychosocial call-outs (texted through Twilio's API) and follow-ups.
        let reported = try daemon.ctl(
            "report", "--area", "rinkeby", "--phase", "after", "--json", "--text",
            "Oro bland grannarna efter branden i trapphuset förra veckan")
        #expect(reported.status == 0, "\(reported.stderr)")
        let incident = try decodeJSON(ReportCreatedBody.self, reported.stdout).incident.id
        _ = try gateway.wait(for: "a psychosocial call-out text") {
            $0.contains { $0["message"]?.contains("psykosocialt stöd") == true && $0["from"] == "RodaKorset" }
        }
        let followUps = try decodeJSON(
            ItemsBody<FollowUpBody>.self, try daemon.ctl("followup", "list", "--incident", incident, "--json").stdout
        ).items
        let followUp = try #require(followUps.first { $0.owner != nil }, "\(followUps)")
        let owner = try Self.seedNumber(try #require(followUp.owner))
        let reference = String(followUp.id.suffix(3)).uppercased()

        // Signed with another token: refused, nothing done.
        #expect(
            try Self.postTwilio(
                daemon, sid: "SM0000forged", from: owner, body: "KLAR \(reference)", token: "not-the-auth-token-0123")
                == "403")
        // "KLAR <reference>", signed as Twilio signs, and Twilio's retry of it: the follow-up is done once.
        for _ in 0..<2 {
            #expect(
                try Self.postTwilio(daemon, sid: "SM0000klar", from: owner, body: "KLAR \(reference) ringt") == "200")
        }
        let after = try decodeJSON(
            ItemsBody<FollowUpBody>.self, try daemon.ctl("followup", "list", "--incident", incident, "--json").stdout
        ).items
        #expect(after.first { $0.id == followUp.id }?.state == "done", "\(after)")
        #expect(after.filter { $0.state == "done" }.count == 1)
        let timeline = try decodeJSON(
            PageBody<EventBody>.self, try daemon.ctl("incident", "timeline", incident, "--json").stdout)
        #expect(timeline.items.filter { $0.kind == "followup.completed" }.map(\.actor) == ["sms:\(owner)"])
        _ = try gateway.wait(for: "the follow-up's confirmation") {
            $0.contains { $0["to"] == owner && $0["message"] == "Tack! Uppföljning \(reference) är klar." }
        }

        // A report by text from a Rönna first-aider (who covers Rönna only, on a number of their own), and
        // Twilio's retry of it:
        // one incident, its report by sms, and an answer naming its reference and phase.
        let reporter = try Self.seedNumber("r-ronna-fi1")
        for _ in 0..<2 {
            #expect(
                try Self.postTwilio(
                    daemon, sid: "SM0000report", from: reporter, body: "Brand i soprummet, rök i hela trapphuset")
                    == "200")
        }
        let listed = try decodeJSON(
            PageBody<IncidentBody>.self, try daemon.ctl("incident", "list", "--area", "ronna", "--json").stdout)
        #expect(listed.items.count == 1, "\(listed.items)")
        let opened = try #require(listed.items.first)
        let shown = try daemon.ctl("incident", "show", opened.id, "--json")
        let detail = try decodeJSON(IncidentBody.self, shown.stdout)
        #expect(detail.reports?.map(\.transport) == ["sms"], "\(shown.stdout)")
        #expect(detail.reports?.first?.actor == "sms:\(reporter)")
        #expect(try daemon.ctl("incident", "show", opened.id).stdout.contains("via sms"))
        let expected =
            "Tack! Rapporten är mottagen: ärende \(String(opened.id.suffix(3)).uppercased()), "
            + (Self.swedishPhase[detail.phase] ?? "ej bedömt")
        _ = try gateway.wait(for: "the answer to the report") {
            $0.contains { $0["to"] == reporter && $0["message"]?.hasPrefix(expected) == true }
        }
        #expect(try daemon.ctl("verify").status == 0)
    }

    @Test func aPostFromOutsideTheAllowedSourcesIsRefusedAndChangesNothing() throws {
        let daemon = try DaemonProcess(
            extraConfig: """
                [[receiver]]
                name = "sms"
                kind = "sms"
                provider = "46elks"
                url = "http://127.0.0.1:9"
                username = "u0123abc"
                password = "gateway-password"
                from = "RodaKorset"
                inbound_password = "\(Self.inboundSecret)"
                allowed_sources = ["192.0.2.10"]
                """, roster: true)
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let before = try daemon.ctl("incident", "list", "--json").stdout
        // The right password, a known responder, a report: but from 127.0.0.1, not the gateway's address.
        let response = try runProgram(
            "/usr/bin/curl",
            [
                "-s", "-w", "\n%{http_code} %{content_type}", "-u", "46elks:\(Self.inboundSecret)",
                "--data-urlencode", "id=s0001outside", "--data-urlencode",
                "from=\(try Self.seedNumber("r-rinkeby-fi1"))",
                "--data-urlencode", "to=+46766861004", "--data-urlencode", "message=Rinkeby: brand i trapphuset",
                "\(daemon.url)/v1/sms/46elks",
            ]
        ).stdout
        let status = response.split(separator: "\n").last.map(String.init) ?? ""
        #expect(status == "403 application/problem+json", "\(response)")
        #expect(response.contains("allowed_sources"), "\(response)")
        #expect(try daemon.ctl("incident", "list", "--json").stdout == before)
        #expect(try daemon.ctl("verify").status == 0)
    }
}
