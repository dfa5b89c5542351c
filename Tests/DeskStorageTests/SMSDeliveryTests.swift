import DeskCore
import DeskNotify
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// The duty roster with a phone number of its own for each responder (`fa2` is on a British
/// number, so texted in English; `fa3` has an e-mail address, so is never texted).
let textRoster: Roster = {
    var roster = dutyRoster
    for index in roster.responders.indices {
        roster.responders[index].contact = "+46 70 100 00 0\(index)"
    }
    if let fa2 = roster.responders.firstIndex(where: { $0.id == "fa2" }) {
        roster.responders[fa2].contact = "+44 7700 900123"
    }
    if let fa3 = roster.responders.firstIndex(where: { $0.id == "fa3" }) {
        roster.responders[fa3].contact = "fa3@example.org"
    }
    return roster
}()

/// Issue 33, slice 1: call-outs and hand-ons go out as texts through the outbox to each gateway's
/// own send API (a local server speaking it), and the gateway's message id is kept.
@Suite(.serialized) struct SMSDeliveryTests {
    static func senders(_ gateway: SMSGatewayServer) -> DeliverySenders {
        DeliverySenders(
            webhooks: WebhookSender(targets: []),
            texts: TextSender(
                gateway: SMSGateway(
                    name: "sms", provider: gateway.provider, url: gateway.url, username: gateway.username,
                    password: gateway.password, from: "RodaKorset", timeout: 5)))
    }

    @Test(arguments: SMSProvider.allCases)
    func callOutsAreTextedThroughTheGatewaysOwnAPIAndItsMessageIDIsKept(provider: SMSProvider) async throws {
        let gateway = try await SMSGatewayServer(provider: provider)
        let senders = Self.senders(gateway)
        let fixture = try await DutyFixture(policy: firstAidOnly, textReceiver: "sms", roster: textRoster)
        let incident = try await fixture.report("Brand i trapphuset, två skadade", phase: .during)
        try await fixture.desk.timers.runDueWork()
        #expect(try await fixture.desk.timers.deliverDue(using: senders) == 2)

        let callOuts = try await fixture.callOuts(incident)
        #expect(callOuts.map(\.responderID) == ["fa1", "fa2"])
        #expect(callOuts.map(\.state) == [.notified, .notified])
        #expect(callOuts.map(\.sentVia) == ["sms", "sms"])
        let texts = gateway.texts
        #expect(texts.count == 2)
        let (to, body, from) = provider == .elks46 ? ("to", "message", "from") : ("To", "Body", "From")
        let byNumber = Dictionary(texts.map { ($0.fields[to] ?? "", $0) }, uniquingKeysWith: { $1 })
        let swedish = try #require(byNumber["+46701000000"], "\(texts.map(\.fields))")
        let english = try #require(byNumber["+447700900123"], "\(texts.map(\.fields))")
        for text in texts {
            #expect(text.path == gateway.sendPath)
            #expect(text.contentType == "application/x-www-form-urlencoded")
            #expect(text.fields[from] == "RodaKorset")
            #expect(Set(text.fields.keys) == [from, to, body])
            // One or two GSM-7 segments.
            let message = try #require(text.fields[body])
            #expect(GSM7.text(message) == message && GSM7.septets(message) <= 306, "\(message)")
        }
        let first = ShortReference.of(callOuts[0].id)
        let second = ShortReference.of(callOuts[1].id)
        #expect(
            swedish.fields[body]
                == "Röda Korset: utlarmning, första hjälpen. Brand i trapphuset, två skadade, Bredäng. "
                + "Svara JA \(first) eller NEJ \(first)")
        #expect(english.fields[body]?.hasPrefix("Red Cross call-out, first aid. ") == true)
        #expect(english.fields[body]?.hasSuffix("Reply YES \(second) or NO \(second)") == true)

        let rows = try await fixture.database.sqlite.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT receiver, state, gateway_ref FROM outbox ORDER BY id")
        }
        let expectedIDs: Set<String> = provider == .elks46 ? ["s1elks", "s2elks"] : ["SM1twilio", "SM2twilio"]
        #expect(Set(rows.compactMap { $0["gateway_ref"] as String? }) == expectedIDs)
        #expect(rows.allSatisfy { $0["state"] == "delivered" && $0["receiver"] == "sms" })
        let events = try await fixture.desk.incidents.timeline(
            of: incident.id.rawValue, page: try PageRequest(limit: 100))
        let delivered = events.items.filter { $0.kind == .notificationDelivered }
        #expect(Set(delivered.compactMap { $0.data["gateway_id"]?.stringValue }) == expectedIDs)
        await senders.shutdown()
        try await gateway.stop()
    }

    @Test func eachResponderIsTextedInTheLanguageTheyChose() async throws {
        var roster = textRoster
        // fa1 has a Swedish number but reads English; fa2 a British number but reads Swedish.
        for index in roster.responders.indices {
            switch roster.responders[index].id {
            case "fa1": roster.responders[index].language = .english
            case "fa2": roster.responders[index].language = .swedish
            default: break
            }
        }
        let gateway = try await SMSGatewayServer(provider: .elks46)
        let senders = Self.senders(gateway)
        let fixture = try await DutyFixture(policy: firstAidOnly, textReceiver: "sms", roster: roster)
        let stored = try await fixture.desk.duty.roster().responders
        #expect(stored.first { $0.id == "fa1" }?.language == .english)
        #expect(stored.first { $0.id == "fa2" }?.language == .swedish)
        #expect(stored.first { $0.id == "fa3" }?.language == nil)
        _ = try await fixture.report("Brand i trapphuset, två skadade", phase: .during)
        try await fixture.desk.timers.runDueWork()
        #expect(try await fixture.desk.timers.deliverDue(using: senders) == 2)
        let byNumber = Dictionary(
            gateway.texts.map { ($0.fields["to"] ?? "", $0.fields["message"] ?? "") }, uniquingKeysWith: { $1 })
        #expect(byNumber["+46701000000"]?.hasPrefix("Red Cross call-out, first aid. ") == true, "\(byNumber)")
        #expect(byNumber["+447700900123"]?.hasPrefix("Röda Korset: utlarmning, första hjälpen. ") == true)
        await senders.shutdown()
        try await gateway.stop()
    }

    @Test func aResponderLanguageIsSvOrEnInARoster() throws {
        let json = #"{"id": "a", "name": "A", "contact": "+46701000001", "roles": ["first_aid"], "areas": ["bredang"]"#
        let english = try JSONDecoder().decode(Responder.self, from: Data((json + #", "language": "en"}"#).utf8))
        #expect(english.language == .english)
        #expect(try JSONDecoder().decode(Responder.self, from: Data((json + "}").utf8)).language == nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Responder.self, from: Data((json + #", "language": "de"}"#).utf8))
        }
        let encoded = String(decoding: try JSONEncoder().encode(english), as: UTF8.self)
        #expect(encoded.contains(#""language":"en""#), "\(encoded)")
    }

    @Test func aGatewayThatRefusesIsRetriedAndWrongCredentialsAreAFailure() async throws {
        let gateway = try await SMSGatewayServer(provider: .elks46)
        let fixture = try await DutyFixture(policy: firstAidOnly, textReceiver: "sms", roster: textRoster)
        let incident = try await fixture.report("Skottlossning vid torget", phase: .during)
        try await fixture.desk.timers.runDueWork()
        let wrong = DeliverySenders(
            webhooks: WebhookSender(targets: []),
            texts: TextSender(
                gateway: SMSGateway(
                    name: "sms", provider: .elks46, url: gateway.url, username: gateway.username,
                    password: "not-the-password", from: "RodaKorset", timeout: 5)))
        #expect(try await fixture.desk.timers.deliverDue(using: wrong) == 2)
        #expect(gateway.texts.isEmpty)
        #expect(try await fixture.callOuts(incident).map(\.state) == [.pending, .pending])
        let errors = try await fixture.database.sqlite.pool.read { db in
            try String.fetchAll(db, sql: "SELECT last_error FROM outbox WHERE state = 'pending'")
        }
        #expect(errors == ["HTTP 401 Unauthorized", "HTTP 401 Unauthorized"])
        // Right credentials, a gateway that answers 503 once: retried after the back-off.
        let senders = Self.senders(gateway)
        fixture.clock.advance(minutes: 1)
        gateway.queue([503])
        #expect(try await fixture.desk.timers.deliverDue(using: senders) == 2)
        fixture.clock.advance(minutes: 1)
        #expect(try await fixture.desk.timers.deliverDue(using: senders) == 1)
        #expect(try await fixture.callOuts(incident).map(\.state) == [.notified, .notified])
        #expect(gateway.texts.count == 3)
        await wrong.shutdown()
        await senders.shutdown()
        try await gateway.stop()
    }

    @Test func anOverdueFollowUpHandedOnIsTextedToTheCoordinator() async throws {
        let gateway = try await SMSGatewayServer(provider: .twilio)
        let senders = Self.senders(gateway)
        let policy = TriggerPolicy(rules: [
            .init(phase: .after, role: .psychosocial, count: 1, ackWithin: 604_800, followUps: [86_400])
        ])
        let fixture = try await DutyFixture(policy: policy, textReceiver: "sms", roster: textRoster)
        _ = try await fixture.report("Oro och sorg efter branden, minnesstund", phase: .after)
        try await fixture.desk.timers.runDueWork()
        #expect(try await fixture.desk.timers.deliverDue(using: senders) == 1)
        fixture.clock.advance(days: 3)
        let summary = try await fixture.desk.timers.runDueWork()
        #expect(summary.followUpsEscalated == 1)
        #expect(try await fixture.desk.timers.deliverDue(using: senders) == 1)
        let handedOn = try #require(gateway.texts.last)
        let coordinator = try #require(textRoster.responders.first { $0.id == "co1" })
        #expect(handedOn.fields["To"] == PhoneNumber(coordinator.contact)?.e164)
        #expect(handedOn.fields["Body"]?.contains("uppföljning +1 day är försenad") == true, "\(handedOn.fields)")
        #expect(handedOn.fields["Body"]?.contains("Svara KLAR ") == true)
        await senders.shutdown()
        try await gateway.stop()
    }
}

/// Issue 33: responders' texts and the answers to them are personal data the retention covers.
@Suite struct TextRetentionTests {
    @Test func oldTextsAndAnswersOutsideIncidentsAreForgotten() async throws {
        let fixture = try await DutyFixture(policy: firstAidOnly, textReceiver: "sms", roster: textRoster)
        _ = try await fixture.report("Brand i trapphuset", phase: .during)
        try await fixture.desk.timers.runDueWork()
        let sender = try #require(PhoneNumber("+46 70 100 00 00"))
        let principal = Principal(actor: Actor(rawValue: "sms:\(sender.e164)"), role: .responder)
        // A yes (its answer belongs to the incident) and a text that gets the help text (no incident).
        let yes = try await fixture.desk.commands.run(
            ReceiveText(provider: "46elks", messageID: "s1", sender: sender, text: "JA"), by: principal)
        #expect(yes.outcome == .acknowledged && yes.reply != nil)
        let help = try await fixture.desk.commands.run(
            ReceiveText(provider: "46elks", messageID: "s2", sender: sender, text: "vad gäller det?"), by: principal)
        #expect(help.outcome == .help)
        let gateway = try await SMSGatewayServer(provider: .elks46)
        let senders = SMSDeliveryTests.senders(gateway)
        try await fixture.desk.timers.deliverDue(using: senders)
        await senders.shutdown()
        try await gateway.stop()

        #expect(try await fixture.desk.commands.run(ForgetOldTexts(before: fixture.clock.now()), by: .desk) == 0)
        fixture.clock.advance(days: 31)
        let forgotten = try await fixture.desk.commands.run(
            ForgetOldTexts(before: fixture.clock.now().addingTimeInterval(-30 * 86_400)), by: .desk)
        #expect(forgotten == 3)
        let (inbound, helpBody) = try await fixture.database.sqlite.pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sms_inbound") ?? -1,
                try String.fetchOne(db, sql: "SELECT body FROM outbox WHERE kind = 'sms.reply' AND incident_id IS NULL")
            )
        }
        #expect(inbound == 0)
        #expect(
            helpBody?.contains("+46701000000") == false && helpBody?.contains("[erased]") == true, "\(helpBody ?? "")")
    }
}

/// Issue 33: what a responder's text does, decided in the writer.
@Suite struct TextAnswerTests {
    static func principal(_ number: PhoneNumber) -> Principal {
        Principal(actor: Actor(rawValue: "sms:\(number.e164)"), role: .responder)
    }

    @Test func klarWithTheReferenceCompletesTheFollowUp() async throws {
        let policy = TriggerPolicy(rules: [
            .init(phase: .after, role: .psychosocial, count: 1, ackWithin: 604_800, followUps: [86_400, 604_800])
        ])
        let fixture = try await DutyFixture(policy: policy, textReceiver: "sms", roster: textRoster)
        let incident = try await fixture.report("Oro och sorg efter branden, minnesstund", phase: .after)
        try await fixture.desk.timers.runDueWork()
        let followUps = try await fixture.desk.duty.followUps(FollowUpQuery(incident: incident.id), mine: nil)
        #expect(followUps.map(\.ownerID) == ["ps1", "ps1"])
        let week = try #require(followUps.last)
        let ps1 = try #require(PhoneNumber("+46 70 100 00 03"))
        // Two open: a KLAR without a reference asks which.
        let unclear = try await fixture.desk.commands.run(
            ReceiveText(provider: "twilio", messageID: "SM1", sender: ps1, text: "KLAR"), by: Self.principal(ps1))
        #expect(unclear.outcome == .ambiguous)
        let done = try await fixture.desk.commands.run(
            ReceiveText(
                provider: "twilio", messageID: "SM2", sender: ps1,
                text: "klar \(ShortReference.of(week.id)) samtal gjort, mår bättre"),
            by: Self.principal(ps1))
        #expect(done.outcome == .completed && done.reply == .completed(reference: ShortReference.of(week.id)))
        let after = try #require(try await fixture.desk.duty.followUp(week.id))
        #expect(after.state == .done && after.outcome == "samtal gjort, mår bättre" && after.completedBy == "ps1")
        #expect(try await fixture.kinds(incident).contains("followup.completed"))
    }

    @Test func aPhoneSharedByTwoRespondersAnswersForTheOneItNames() async throws {
        var roster = textRoster
        // fa2 shares fa1's phone (and comes after fa1 in the roster).
        for index in roster.responders.indices where roster.responders[index].id == "fa2" {
            roster.responders[index].contact = "+46 70 100 00 00"
        }
        let fixture = try await DutyFixture(policy: firstAidOnly, textReceiver: "sms", roster: roster)
        let incident = try await fixture.report("Brand i trapphuset", phase: .during)
        try await fixture.desk.timers.runDueWork()
        let fa2 = try #require(try await fixture.callOuts(incident).first { $0.responderID == "fa2" })
        let phone = try #require(PhoneNumber("070-100 00 00"))
        let answer = try await fixture.desk.commands.run(
            ReceiveText(provider: "46elks", messageID: "s9", sender: phone, text: "JA \(ShortReference.of(fa2.id))"),
            by: Self.principal(phone))
        #expect(answer.outcome == .acknowledged && answer.responderID == "fa2")
        let states = try await fixture.callOuts(incident).map { ($0.responderID, $0.state) }
        #expect(states.map(\.0) == ["fa1", "fa2"] && states.map(\.1) == [.pending, .acknowledged])
    }
}
