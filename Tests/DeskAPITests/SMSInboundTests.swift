import AsyncHTTPClient
import Crypto
import DeskAPI
import DeskCore
import DeskTestSupport
import Foundation
import GRDB
import NIOHTTP1
import Synchronization
import Testing

@testable import DeskStorage

/// Issue 33, slice 2: texts posted exactly as 46elks and Twilio post them, authenticated as each
/// provider does it; answers carried out once per gateway message id and answered by text.
@Suite(.serialized) struct SMSInboundTests {
    static let elksSecret = "an-inbound-secret-of-32-bytes!!!"
    static let twilioToken = "twilio-auth-token-0123456789"
    static let publicURL = "https://desk.example.org/v1/sms/twilio"

    /// First-aiders fa1, fa2 and fa3 in Bredäng, in a daily rotation: one called at a time; and
    /// co1, a coordinator covering Bredäng and Rinkeby, in no rotation.
    static let roster: Roster = {
        func person(_ id: String, _ contact: String) -> Responder {
            Responder(id: id, name: id.uppercased(), contact: contact, roles: [.firstAid], areas: ["bredang"])
        }
        guard let handoff = LocalTime("08:00"), let starts = LocalDate("2026-01-01") else { fatalError("dates") }
        return Roster(
            responders: [
                person("fa1", "070-100 00 01"), person("fa2", "+46 70 100 00 02"), person("fa3", "+46 70 100 00 03"),
                Responder(
                    id: "co1", name: "CO1", contact: "+46 70 100 00 09", roles: [.coordinator],
                    areas: ["bredang", "rinkeby"]),
            ],
            rotations: [
                Rotation(
                    id: "bredang-fa", area: "bredang", role: .firstAid, shiftDays: 1, handoff: handoff, starts: starts,
                    participants: ["fa1", "fa2", "fa3"])
            ])
    }()

    static let policy = TriggerPolicy(
        rules: [.init(phase: .during, role: .firstAid, count: 1, ackWithin: 3600, followUps: [86_400])])

    /// What the inbox's answer closure was given: the answers to unknown numbers.
    final class SentLog: Sendable {
        let sent = Mutex<[(String, String)]>([])
    }

    /// The inbox, and the answers sent to unknown numbers.
    struct Answers: Sendable {
        let log = SentLog()
        let inbox: TextInbox

        var sent: [(String, String)] { log.sent.withLock { $0 } }

        init() {
            let log = self.log
            inbox = TextInbox(
                gateways: [
                    .init(provider: .elks46, secret: SMSInboundTests.elksSecret),
                    .init(provider: .twilio, secret: SMSInboundTests.twilioToken, publicURL: SMSInboundTests.publicURL),
                ],
                answer: { number, message in log.sent.withLock { $0.append((number.e164, message)) } })
        }
    }

    /// The called responder's number (E.164), and the number of one who was not called.
    struct Called {
        let reference: String
        let number: String
        let idle: String
    }

    static func number(_ responder: String) -> String {
        roster.responders.first { $0.id == responder }.flatMap { PhoneNumber($0.contact)?.e164 } ?? "?"
    }

    static func with(_ body: (TestServer, Answers, Called) async throws -> Void) async throws {
        let answers = Answers()
        try await TestServer.with(settings: APISettings(texts: answers.inbox), policy: policy, textReceiver: "sms") {
            server in
            _ = try await server.desk.importRoster(roster, actor: .system)
            let report = try await server.send(
                .unix, .POST, "/v1/reports",
                body: #"{"area": "bredang", "text": "Brand i trapphuset, två skadade", "phase": "during"}"#)
            #expect(report.status == 201, "\(report.text)")
            try await server.desk.timers.runDueWork()
            let callOuts = try await server.desk.callOuts(CallOutQuery(), mine: nil)
            try #require(callOuts.count == 1)
            let idle = try #require(roster.responders.first { $0.id != callOuts[0].responderID })
            try await body(
                server, answers,
                Called(
                    reference: ShortReference.of(callOuts[0].id), number: number(callOuts[0].responderID),
                    idle: number(idle.id)))
        }
    }

    static func elks(
        _ server: TestServer, id: String, from: String, message: String, secret: String = elksSecret
    ) async throws -> TestResponse {
        let form = FormEncoding.encode([
            ("id", id), ("from", from), ("to", "+46766861004"), ("message", message),
            ("created", "2026-12-06 03:10:00.000000"), ("direction", "incoming"),
        ])
        let auth = "Basic " + Data("46elks:\(secret)".utf8).base64EncodedString()
        return try await server.send(
            .tcp, .POST, "/v1/sms/46elks", body: form, contentType: "application/x-www-form-urlencoded",
            headers: [("Authorization", auth)])
    }

    static func twilio(
        _ server: TestServer, sid: String, from: String, body: String, token: String = twilioToken
    ) async throws -> TestResponse {
        let parameters = [
            ("ToCountry", "SE"), ("SmsMessageSid", sid), ("NumMedia", "0"), ("From", from), ("To", "+46766861004"),
            ("Body", body), ("MessageSid", sid), ("AccountSid", "AC0123"), ("ApiVersion", "2010-04-01"),
        ]
        // Twilio's documented algorithm, written out here independently of the server's.
        let signed = publicURL + parameters.sorted { $0.0 < $1.0 }.map { $0.0 + $0.1 }.joined()
        let signature = HMACSHA1.base64(key: token, message: signed)
        return try await server.send(
            .tcp, .POST, "/v1/sms/twilio", body: FormEncoding.encode(parameters),
            contentType: "application/x-www-form-urlencoded", headers: [("X-Twilio-Signature", signature)])
    }

    static func count(_ server: TestServer, _ sql: String) throws -> Int {
        try server.column(Int.self, sql).first ?? -1
    }

    static func replies(_ server: TestServer) throws -> [[String: String]] {
        try server.column(String.self, "SELECT body FROM outbox WHERE kind = 'sms.reply' ORDER BY id")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
    }

    @Test func aJAFrom46elksAcknowledgesOnceAndIsAnsweredByText() async throws {
        try await Self.with { server, _, called in
            let reference = called.reference
            let first = try await Self.elks(
                server, id: "s70df59406a1b4643b96f3f91e0bfb7b0", from: called.number, message: "ja \(reference)")
            #expect(first.status == 200, "\(first.text)")
            // The gateway retries the same message: taken once.
            let retry = try await Self.elks(
                server, id: "s70df59406a1b4643b96f3f91e0bfb7b0", from: called.number, message: "ja \(reference)")
            #expect(retry.status == 200)
            let callOuts = try await server.desk.callOuts(CallOutQuery(), mine: nil)
            #expect(callOuts.map(\.state) == [.acknowledged])
            #expect(callOuts.map(\.answeredVia) == ["sms"])
            let events = try await server.desk.incidents.timeline(since: nil, page: try PageRequest(limit: 200)).items
            let acknowledged = events.filter { $0.kind == .callOutAcknowledged }
            #expect(acknowledged.count == 1)
            #expect(acknowledged.first?.actor.rawValue == "sms:\(called.number)")
            let replies = try Self.replies(server)
            #expect(replies.count == 1)
            #expect(replies.first?["to"] == called.number)
            #expect(
                replies.first?["message"]?.hasPrefix("Tack! Du är anmäld till \(reference): Brand i trapphuset") == true
            )
            #expect(try Self.count(server, "SELECT count(*) FROM sms_inbound") == 1)
        }
    }

    @Test func aWrongSecretOrSignatureIsRefusedAndChangesNothing() async throws {
        try await Self.with { server, _, called in
            let reference = called.reference
            let wrong = try await Self.elks(
                server, id: "s1", from: called.number, message: "JA \(reference)", secret: "not-the-secret-0123456789")
            #expect(wrong.status == 401)
            #expect(wrong.contentType == "application/problem+json")
            #expect(wrong.headers.first(name: "WWW-Authenticate")?.hasPrefix("Basic") == true)
            let unsigned = try await Self.twilio(
                server, sid: "SM1", from: called.number, body: "JA", token: "another-auth-token-0123")
            #expect(unsigned.status == 403, "\(unsigned.text)")
            #expect(try unsigned.json()["type"] as? String == "urn:incident-desk:problem:forbidden")
            // Not with a desk token either: the gateway's proof is the only way in.
            let token = try await server.send(
                .tcp, .POST, "/v1/sms/46elks", body: "id=s2&from=%2B46701000001&message=JA",
                contentType: "application/x-www-form-urlencoded")
            #expect(token.status == 401)
            #expect(try await server.desk.callOuts(CallOutQuery(), mine: nil).map(\.state) == [.pending])
            #expect(try Self.count(server, "SELECT count(*) FROM sms_inbound") == 0)
            #expect(try Self.replies(server).isEmpty)
        }
    }

    @Test func aNEJSignedByTwilioDeclinesAndTheNextPersonIsTexted() async throws {
        try await Self.with { server, _, called in
            let declined = try await Self.twilio(server, sid: "SM0123456789abcdef", from: called.number, body: "NEJ")
            #expect(declined.status == 200, "\(declined.text)")
            #expect(declined.contentType?.hasPrefix("text/xml") == true)
            #expect(declined.text.contains("<Response></Response>"))
            let callOuts = try await server.desk.callOuts(CallOutQuery(), mine: nil).sorted { $0.id < $1.id }
            #expect(callOuts.map { Self.number($0.responderID) }.first == called.number)
            let next = Self.number(callOuts.last?.responderID ?? "")
            #expect(callOuts.count == 2 && next != called.number)
            #expect(callOuts.map(\.state) == [.declined, .pending])
            #expect(callOuts.first?.reason == "declined by text")
            #expect(callOuts.map(\.answeredVia) == ["sms", nil])
            // The next person's call-out is a text, queued in the same transaction.
            let texts = try server.column(
                String.self, "SELECT body FROM outbox WHERE kind = 'callout.created' ORDER BY id")
            #expect(texts.count == 2)
            #expect(texts.last?.contains("\"to\":\"\(next)\"") == true, "\(texts)")
            #expect(try Self.replies(server).first?["message"]?.hasPrefix("Uppfattat: NEJ till") == true)
        }
    }

    @Test func anythingElseGetsTheHelpTextOnceAndNothingOpenIsSaid() async throws {
        try await Self.with { server, _, called in
            let reference = called.reference
            // Neither a reply nor a report: co1 covers two areas, and the text names none.
            let coordinator = Self.number("co1")
            #expect(
                try await Self.elks(server, id: "h1", from: coordinator, message: "Hej, vad händer?").status == 200)
            #expect(try await Self.elks(server, id: "h2", from: coordinator, message: "Hallå?").status == 200)
            // One not called has nothing open.
            #expect(try await Self.elks(server, id: "h3", from: called.idle, message: "JA").status == 200)
            #expect(
                try await Self.elks(server, id: "h4", from: called.idle, message: "JA \(reference)").status == 200)
            let replies = try Self.replies(server)
            #expect(replies.count == 3, "\(replies)")
            #expect(replies[0]["message"]?.hasPrefix("Röda Korset-desken: svara JA eller NEJ") == true)
            #expect(replies[1]["message"] == "Du har ingen öppen utlarmning att svara på.")
            #expect(try await server.desk.callOuts(CallOutQuery(), mine: nil).map(\.state) == [.pending])
            let outcomes = try server.column(String.self, "SELECT outcome FROM sms_inbound ORDER BY message_id")
            #expect(outcomes == ["help", "ignored", "nothing_open", "nothing_open"])
        }
    }

    @Test func aReportByTextOpensAnIncidentOnceAndIsAnsweredWithItsReferenceAndPhase() async throws {
        try await Self.with { server, _, called in
            let coordinator = Self.number("co1")
            let before = try Self.count(server, "SELECT count(*) FROM report")
            let text = "Rinkeby: brand i trapphuset, 2 skadade"
            let first = try await Self.elks(server, id: "r1", from: coordinator, message: text)
            #expect(first.status == 200, "\(first.text)")
            // The gateway retries: still one report.
            #expect(try await Self.elks(server, id: "r1", from: coordinator, message: text).status == 200)
            let reports = try server.rows(
                "SELECT incident_id, area_id, text, actor, transport FROM report WHERE transport = 'sms'")
            #expect(reports.count == 1)
            #expect(try Self.count(server, "SELECT count(*) FROM report") == before + 1)
            let report = try #require(reports.first)
            #expect(report["area_id"] as String? == "rinkeby")
            #expect(report["text"] as String? == "brand i trapphuset, 2 skadade")
            #expect(report["actor"] as String? == "sms:\(coordinator)")
            let incidentID: String = report["incident_id"]
            // Classified as any other report, and shown with its transport.
            let detail = try await server.send(.unix, .GET, "/v1/incidents/\(incidentID)")
            #expect(detail.status == 200)
            let body = try detail.json()
            #expect(body["phase"] as? String == "during", "\(detail.text)")
            let shown = (body["reports"] as? [[String: Any]])?.first
            #expect(shown?["transport"] as? String == "sms")
            let outcomes = try server.rows("SELECT outcome, report_id FROM sms_inbound WHERE message_id = 'r1'")
            #expect(outcomes.map { $0["outcome"] as String } == ["reported"])
            let reply = try #require(try Self.replies(server).first { $0["to"] == coordinator })
            let reference = String(incidentID.suffix(3)).uppercased()
            #expect(reply["message"]?.contains(reference) == true, "\(reply)")
            #expect(reply["message"]?.contains("pågår") == true, "\(reply)")
            #expect(try Self.replies(server).filter { $0["to"] == coordinator }.count == 1)
            // Without an area, from one who covers exactly one (Bredäng): a report there.
            let single = try await Self.elks(
                server, id: "r2", from: called.idle, message: "Oro bland grannarna efter branden igår")
            #expect(single.status == 200)
            let area = try server.column(
                String.self, "SELECT area_id FROM report WHERE actor = 'sms:\(called.idle)' AND transport = 'sms'"
            ).first
            #expect(area == "bredang")
        }
    }

    @Test func aResponderWhoChoseEnglishIsAnsweredInEnglishOnASwedishNumber() async throws {
        try await Self.with { server, _, _ in
            let refused = try await server.send(.unix, .PATCH, "/v1/responders/co1", body: #"{"language": "de"}"#)
            #expect(refused.status == 422 || refused.status == 400, "\(refused.text)")
            #expect(refused.contentType == "application/problem+json")
            #expect(try await server.desk.duty.roster().responders.first { $0.id == "co1" }?.language == nil)
            let patched = try await server.send(.unix, .PATCH, "/v1/responders/co1", body: #"{"language": "en"}"#)
            #expect(patched.status == 200, "\(patched.text)")
            #expect(try await server.desk.duty.roster().responders.first { $0.id == "co1" }?.language == .english)
            let coordinator = Self.number("co1")
            #expect(try await Self.elks(server, id: "e1", from: coordinator, message: "Hallå?").status == 200)
            let reply = try Self.replies(server).first { $0["to"] == coordinator }
            #expect(
                reply?["message"]?.hasPrefix("Red Cross desk: reply YES or NO") == true, "\(String(describing: reply))")
            // null: back to the number's language.
            let cleared = try await server.send(.unix, .PATCH, "/v1/responders/co1", body: #"{"language": null}"#)
            #expect(cleared.status == 200)
            #expect(try await server.desk.duty.roster().responders.first { $0.id == "co1" }?.language == nil)
        }
    }

    @Test func aKnownNumberOverItsHourlyLimitIsDroppedUntilTheHourHasPassed() async throws {
        let clock = ManualClock()
        let inbox = TextInbox(
            gateways: [.init(provider: .elks46, secret: Self.elksSecret, textsPerNumberPerHour: 3)], clock: clock)
        try await TestServer.with(settings: APISettings(texts: inbox), policy: Self.policy, textReceiver: "sms") {
            server in
            _ = try await server.desk.importRoster(Self.roster, actor: .system)
            let coordinator = Self.number("co1")
            // A phone stuck in a loop: the same help text, again and again, under new message ids.
            for id in 1...6 {
                let response = try await Self.elks(server, id: "loop\(id)", from: coordinator, message: "Hallå?")
                #expect(response.status == 200)
            }
            #expect(try Self.count(server, "SELECT count(*) FROM sms_inbound") == 3)
            // Another number is not held back by it.
            #expect(try await Self.elks(server, id: "other", from: Self.number("fa1"), message: "JA").status == 200)
            #expect(try Self.count(server, "SELECT count(*) FROM sms_inbound") == 4)
            // An hour later the number is heard again.
            clock.advance(seconds: 3601)
            #expect(try await Self.elks(server, id: "later", from: coordinator, message: "Hallå?").status == 200)
            #expect(try Self.count(server, "SELECT count(*) FROM sms_inbound") == 5)
        }
    }

    @Test func anUnknownNumberGetsOnePoliteAnswerAndNothingIsStored() async throws {
        try await Self.with { server, answers, called in
            let reference = called.reference
            let before = try Self.count(server, "SELECT count(*) FROM event")
            for id in 1...7 {
                let response = try await Self.elks(
                    server, id: "u\(id)", from: "+46709999999", message: "JA \(reference)")
                #expect(response.status == 200)
            }
            let sent = answers.sent
            #expect(sent.count == 1)
            #expect(sent.first?.0 == "+46709999999")
            #expect(sent.first?.1.hasPrefix("Det här numret är inte registrerat") == true)
            #expect(answers.inbox.unknownSenders == 7)
            #expect(try Self.count(server, "SELECT count(*) FROM event") == before)
            #expect(try Self.count(server, "SELECT count(*) FROM sms_inbound") == 0)
            #expect(try Self.count(server, "SELECT count(*) FROM outbox WHERE body LIKE '%+46709999999%'") == 0)
            #expect(try await server.desk.callOuts(CallOutQuery(), mine: nil).map(\.state) == [.pending])
        }
    }

    @Test func aMalformedTextIsAProblemAndAnUnconfiguredProviderIsNotFound() async throws {
        try await TestServer.with { server in
            let response = try await Self.elks(server, id: "x", from: "+46701000001", message: "JA")
            #expect(response.status == 404)
            #expect(response.contentType == "application/problem+json")
        }
        try await Self.with { server, _, _ in
            let response = try await Self.elks(server, id: "", from: "RodaKorset", message: "JA")
            #expect(response.status == 422)
            let errors = try response.json()["errors"] as? [[String: Any]]
            #expect(errors?.compactMap { $0["pointer"] as? String } == ["/id", "/from"])
        }
    }
}

/// HMAC-SHA1, base64: what Twilio signs with.
enum HMACSHA1 {
    static func base64(key: String, message: String) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(message.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return Data(mac).base64EncodedString()
    }
}
