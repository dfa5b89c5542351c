import DeskConfig
import DeskCore
import Foundation
import Testing

/// Issue 33: `[[receiver]] kind = "sms"` with a provider, its base URL, credentials (or files),
/// the sender and the inbound secret; every mistake named with its line and key.
@Suite struct SMSReceiverConfigurationTests {
    static func parse(_ receiver: String, more: String = "") throws(ConfigError) -> DeskConfiguration {
        try DeskConfiguration.parse(
            """
            [areas]
            file = "a"
            [[receiver]]
            name = "sms"
            kind = "sms"
            \(receiver)
            \(more)
            """, file: "x.toml")
    }

    static func refusal(_ receiver: String, more: String = "") -> String {
        do {
            _ = try parse(receiver, more: more)
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test func a46elksReceiverWithItsSecretsInFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sms-config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let password = directory.appendingPathComponent("sms.secret").path
        let inbound = directory.appendingPathComponent("sms-inbound.secret").path
        try "gateway-password\n".write(toFile: password, atomically: true, encoding: .utf8)
        try "an-inbound-secret-of-32-bytes!!!\n".write(toFile: inbound, atomically: true, encoding: .utf8)
        let configuration = try Self.parse(
            """
            provider = "46elks"
            url = "https://api.46elks.com"
            username = "u0123abc"
            password_file = "\(password)"
            from = "RodaKorset"
            inbound_password_file = "\(inbound)"
            allowed_sources = ["176.10.154.199"]
            """)
        let sms = try #require(configuration.duty.sms)
        #expect(sms.provider == .elks46 && sms.name == "sms" && sms.username == "u0123abc")
        #expect(sms.password == "gateway-password" && sms.inboundPassword == "an-inbound-secret-of-32-bytes!!!")
        #expect(sms.from == "RodaKorset" && sms.allowedSources == ["176.10.154.199"])
        #expect(sms.inboundPath == "/v1/sms/46elks")
        #expect(sms.textsPerNumberPerHour == 30)
        #expect(configuration.duty.receivers.isEmpty)
        #expect(configuration.duty.settings.textReceiver == "sms" && configuration.duty.settings.receivers.isEmpty)
    }

    @Test func aTwilioReceiverBesideAWebhookAndItsDefaultURL() throws {
        let configuration = try Self.parse(
            """
            provider = "twilio"
            username = "AC0123"
            password = "twilio-auth-token"
            from = "+46766861234"
            texts_per_number_per_hour = 12
            """,
            more: """
                [[receiver]]
                name = "ops"
                url = "https://hooks.example.org/desk"
                secret = "a-receiver-secret-of-32-bytes!!!"
                """)
        let sms = try #require(configuration.duty.sms)
        #expect(sms.provider == .twilio && sms.url.absoluteString == "https://api.twilio.com")
        #expect(sms.textsPerNumberPerHour == 12)
        #expect(configuration.duty.settings.receivers == ["ops"])
        #expect(configuration.duty.settings.textReceiver == "sms")
    }

    @Test(arguments: [
        ("provider = \"sinch\"\nusername = \"u\"\npassword = \"p\"\nfrom = \"RK\"", "x.toml:6: receiver[1].provider:"),
        ("provider = \"46elks\"\npassword = \"p\"\nfrom = \"RK\"", "receiver[1].username: an SMS receiver needs"),
        ("provider = \"46elks\"\nusername = \"u\"\nfrom = \"RK\"", "receiver[1].password: an SMS receiver needs"),
        (
            "provider = \"46elks\"\nusername = \"u\"\npassword = \"p\"\nfrom = \"Roda Korset Sverige\"",
            "receiver[1].from:"
        ),
        (
            "provider = \"46elks\"\nurl = \"http://api.46elks.com\"\nusername = \"u\"\npassword = \"p\"\nfrom = \"RK\"",
            "insecure = true"
        ),
        (
            "provider = \"46elks\"\nusername = \"u\"\npassword = \"p\"\nfrom = \"RK\"\ninbound_password = \"short\"",
            "receiver[1].inbound_password: must be at least 16 bytes"
        ),
        (
            "provider = \"46elks\"\nusername = \"u\"\npassword = \"p\"\nfrom = \"RK\"\npassword_file = \"/nonexistent/x\"",
            "receiver[1].password_file: cannot read /nonexistent/x"
        ),
        (
            "provider = \"46elks\"\nusername = \"u\"\npassword = \"p\"\nfrom = \"RK\"\nsecret = \"s\"",
            "receiver[1].secret: unknown key"
        ),
        (
            "provider = \"46elks\"\nusername = \"u\"\npassword = \"p\"\nfrom = \"RK\"\ntexts_per_number_per_hour = 0",
            "receiver[1].texts_per_number_per_hour:"
        ),
    ])
    func mistakesAreNamedWithTheirKey(receiver: String, expected: String) {
        let refusal = Self.refusal(receiver)
        #expect(refusal.contains(expected), "\(refusal)")
    }

    @Test func oneSMSReceiverAtMostAndOnlyKnownKinds() {
        let elks = "provider = \"46elks\"\nusername = \"u\"\npassword = \"p\"\nfrom = \"RK\""
        let second = Self.refusal(
            elks, more: "[[receiver]]\nname = \"sms2\"\nkind = \"sms\"\n" + elks)
        #expect(second.contains("receiver[2].kind: receiver \"sms\" already texts responders"), "\(second)")
        let pager = Self.refusalOfKind("pager")
        #expect(pager.contains("receiver[1].kind: must be \"webhook\" or \"sms\" (got \"pager\")"), "\(pager)")
    }

    static func refusalOfKind(_ kind: String) -> String {
        do {
            _ = try DeskConfiguration.parse(
                "[areas]\nfile = \"a\"\n[[receiver]]\nname = \"x\"\nkind = \"\(kind)\"\n", file: "x.toml")
            return "accepted"
        } catch {
            return error.description
        }
    }
}
