import DeskCore
import Foundation
import Testing

/// Issue 33: numbers, references and texts that responders get and answer.
@Suite struct TextingTests {
    @Test(arguments: [
        ("+46 70 174 06 05", "+46701740605"), ("070-174 06 05", "+46701740605"), ("0046701740605", "+46701740605"),
        ("+44 7700 900123", "+447700900123"), ("(070) 174.06.05", "+46701740605"),
    ])
    func numbersAreNormalisedToE164(text: String, e164: String) {
        #expect(PhoneNumber(text)?.e164 == e164)
    }

    @Test(arguments: ["anna@example.org", "RodaKorset", "", "+46", "0", "+46 70 174 06 05 55 55 55", "46701740605"])
    func otherContactsAreNotNumbers(text: String) {
        #expect(PhoneNumber(text) == nil)
    }

    @Test func swedishNumbersGetSwedishTextsAndOthersEnglish() {
        #expect(PhoneNumber("0701740605")?.language == .swedish)
        #expect(PhoneNumber("+4740000000")?.language == .english)
    }

    @Test func aReferenceIsTheIdsLastThreeHexDigitsUpperCase() throws {
        let id = try #require(DeskID("0193f0a2-7c4e-7a31-8c2d-3f5e6a7b84f2"))
        #expect(ShortReference.of(id) == "4F2")
        #expect(
            ShortReference.isReference("4f2") && !ShortReference.isReference("4G2") && !ShortReference.isReference("4F")
        )
    }

    @Test func textsAreGSM7AndAtMostTwoSegments() {
        #expect(GSM7.text("Café – “ok” … Ångest i Rosengård") == "Café - \"ok\" ... Ångest i Rosengård")
        #expect(GSM7.text("smärta 😢 här") == "smärta ? här")
        let long = String(repeating: "brand i trapphuset ", count: 40)
        let cut = GSM7.text(long)
        #expect(GSM7.septets(cut) == 306 && cut.hasSuffix("..."))
        // The extension table's characters take two septets.
        #expect(GSM7.septets("€[]") == 6)
    }

    @Test func aCallOutTextNamesWhatWhereAndHowToAnswer() throws {
        let id = try #require(DeskID("0193f0a2-7c4e-7a31-8c2d-3f5e6a7b84f2"))
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let incident = Incident(
            id: id, areaID: "rinkeby", title: String(repeating: "Brand i trapphus ", count: 30), phase: .during,
            category: nil, severity: nil, status: .open, openedAt: now, updatedAt: now, reportCount: 1)
        let callOut = CallOut(
            id: id, incidentID: id, area: "rinkeby", role: .firstAid, responderID: "fa1", step: 0, source: "rotation",
            task: nil, createdAt: now, dueAt: now, ackWithin: 300)
        let swedish = TextNotices.callOut(callOut, incident: incident, areaName: "Rinkeby", in: .swedish)
        #expect(swedish.hasPrefix("Röda Korset: utlarmning, första hjälpen. Brand i trapphus"))
        #expect(GSM7.septets(swedish) <= GSM7.twoSegments)
        #expect(swedish.hasSuffix("..., Rinkeby. Svara JA 4F2 eller NEJ 4F2"), "\(swedish)")
        // A long title is shortened, never the answer.
        var short = incident
        short.title = "Brand i trapphus"
        #expect(
            TextNotices.callOut(callOut, incident: short, areaName: "Rinkeby", in: .english)
                == "Red Cross call-out, first aid. Brand i trapphus, Rinkeby. Reply YES 4F2 or NO 4F2")
    }
}

/// How a responder's text is read.
@Suite struct TextCommandTests {
    @Test(arguments: [
        ("JA 4F2", TextCommand.yes(reference: "4F2", rest: nil)),
        ("ja 4f2 på väg, 5 min", .yes(reference: "4F2", rest: "på väg, 5 min")),
        ("Ok!", .yes(reference: nil, rest: nil)), ("1", .yes(reference: nil, rest: nil)),
        ("YES", .yes(reference: nil, rest: nil)),
        ("Nej 4F2 sjuk", .no(reference: "4F2", rest: "sjuk")), ("no", .no(reference: nil, rest: nil)),
        ("2", .no(reference: nil, rest: nil)), ("NEJ, jobbar", .no(reference: nil, rest: "jobbar")),
        ("KLAR A0C samtal gjort", .done(reference: "A0C", rest: "samtal gjort")),
        ("done", .done(reference: nil, rest: nil)),
        ("Hej vad händer", .other), ("", .other), ("Jag kan", .other), ("JAG kommer", .other),
    ])
    func theFirstWordDecidesAndAReferenceMayFollow(text: String, command: TextCommand) {
        #expect(TextCommand(text) == command)
    }
}

/// How a call-out's answer is said to have come (issue 33: the lists show SMS, CLI, API).
@Suite struct AnswerChannelTests {
    @Test(arguments: [
        ("sms:+46701740605", "sms"), ("unix:anna", "cli"), ("token:anna-phone", "api"), ("tcp:127.0.0.1", "api"),
        ("system", "desk"),
    ])
    func theActorNamesTheChannel(actor: String, channel: String) {
        #expect(Actor(rawValue: actor).channel == channel)
    }
}

/// Issue 33: a report by text names its area before a colon, or is about the sender's one area.
@Suite struct TextReportTests {
    static let areas = AreaDirectory([
        Area(id: "bredang", name: "Bredäng", city: "Stockholm"),
        Area(id: "rinkeby", name: "Rinkeby", city: "Stockholm"),
        Area(id: "gamla", name: "Gamla stan", city: "Stockholm", active: false),
    ])

    static func person(_ areas: [String]) -> Responder {
        Responder(id: "a", name: "A", contact: "+46701000001", roles: [.firstAid], areas: areas)
    }

    @Test func anAreaBeforeAColonByNameOrIDInAnyCase() {
        let two = [Self.person(["bredang", "rinkeby"])]
        let named = TextReport.fields("Rinkeby: brand i trapphuset, 2 skadade", from: two, areas: Self.areas)
        #expect(named?.area == "rinkeby")
        #expect(named?.text == "brand i trapphuset, 2 skadade")
        #expect(TextReport.fields("  bredäng :  oro ", from: two, areas: Self.areas)?.area == "bredang")
        #expect(TextReport.fields("RINKEBY: rök", from: [], areas: Self.areas)?.area == "rinkeby")
        // An area with nothing after it, and one no longer served, make no report.
        #expect(TextReport.fields("Rinkeby:", from: two, areas: Self.areas) == nil)
        #expect(TextReport.fields("Gamla stan: brand", from: two, areas: Self.areas) == nil)
    }

    @Test func withoutAnAreaOnlyForOneWhoCoversExactlyOneActiveArea() {
        let one = [Self.person(["bredang", "gamla"])]
        let report = TextReport.fields("Obs: rök i källaren", from: one, areas: Self.areas)
        #expect(report?.area == "bredang")
        #expect(report?.text == "Obs: rök i källaren")
        #expect(
            TextReport.fields("Rök i källaren", from: [Self.person(["bredang", "rinkeby"])], areas: Self.areas) == nil)
        #expect(TextReport.fields("Rök i källaren", from: [], areas: Self.areas) == nil)
        #expect(TextReport.fields("   ", from: one, areas: Self.areas) == nil)
    }

    @Test func theAnswerNamesTheIncidentsReferenceAndPhaseInTheSendersLanguage() {
        let swedish = TextNotices.reply(.reported(reference: "4F2", title: "Brand", phase: .during), in: .swedish)
        #expect(swedish == "Tack! Rapporten är mottagen: ärende 4F2, pågår. Brand")
        let english = TextNotices.reply(.reported(reference: "4F2", title: "Brand", phase: .after), in: .english)
        #expect(english == "Thanks, report received: incident 4F2, aftermath. Brand")
    }
}
