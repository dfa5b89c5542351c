import DeskCore
import DeskTestSupport
import Foundation
import Testing

/// Each family of text signals, on sentences written for the family (not taken from the corpus).
@Suite struct SignalFamilyTests {
    static func matched(_ result: Classification, kind: String) -> [String] {
        result.signals.filter { $0.kind == kind }.map(\.matched)
    }

    @Test(arguments: [
        ("Dödsskjutningen i Husby skakar hela området", Category.shooting, "dödsskjutningen"),
        ("Bilbränder på tre gator i natt", Category.fire, "bilbränder"),
        ("Knivattacken vid tunnelbanan", Category.stabbing, "knivattacken"),
        ("Gängskjutning utanför skolan", Category.shooting, "gängskjutning"),
        ("Sprängdådet i trapphuset", Category.explosion, "sprängdådet"),
    ])
    func swedishCompoundsHitTheStemsInside(text: String, category: Category, word: String) {
        let result = classify(text)
        #expect(result.category == category)
        #expect(Self.matched(result, kind: "category").contains(word))
    }

    @Test(arguments: [
        ("Det brinner i källaren", Category.fire), ("Branden i källaren", .fire), ("Bränderna i källarna", .fire),
        ("The basement is burning", .fire), ("Several fires in the basements", .fire),
        ("Skottlossningen vid torget", .shooting), ("Shots were fired by the square", .shooting),
    ])
    func inflectedFormsCount(text: String, category: Category) {
        #expect(classify(text).category == category)
    }

    @Test func caseAndUnicodeNormalisationKeepSwedishLetters() {
        let composed = classify("Det brinner på gården just nu")
        let decomposed = classify("Det brinner pa\u{30A} ga\u{30A}rden JUST NU")
        #expect(composed.phase == .during)
        #expect(decomposed.phase == composed.phase)
        #expect(decomposed.scores == composed.scores)
        // "å" is not folded to "a": "år sedan" (years ago) is not "ar sedan".
        #expect(classify("Branden för två år sedan").phase == .after)
    }

    @Test(arguments: [
        ("Bråk vid skolan, det pågår fortfarande", Phase.during),
        ("Bråk vid skolan just nu", .during),
        ("There is a fight at the school right now", .during),
        ("The school is burning", .during),
        ("Bråk vid skolan igår", .after),
        ("Bråk vid skolan förra veckan", .after),
        ("Eleverna mår dåligt sedan bråket", .after),
        ("Oro bland föräldrarna efter bråket vid skolan", .after),
        ("Parents are still upset about the fight", .after),
        ("Pupils have been anxious since the fight", .after),
        ("Inför matchen oroar sig skolan för bråk", .before),
        ("En planerad demonstration vid skolan", .before),
        ("Rykten om bråk vid skolan", .before),
        ("Polisen befarar bråk vid skolan", .before),
        ("Kommunen varnar för bråk vid skolan", .before),
        ("Extra staff ahead of the match at the school", .before),
        ("A planned protest at the school", .before),
        ("Rumours of a fight at the school", .before),
        ("A storm is forecast for the weekend", .before),
    ])
    func temporalCuesDecideThePhase(text: String, phase: Phase) {
        let result = classify(text)
        #expect(result.phase == phase, "\(result.signals.map { "\($0.matched)→\($0.vote)" })")
        #expect(result.decidedBy == .text)
    }

    @Test(arguments: [
        "Det har kommit hot mot föreningen men ingen har skadats än",
        "Hot mot föreningen, hittills har inget hänt",
        "Threats against the association, but nothing has happened yet",
        "Threats against the club; so far nobody has been hurt",
    ])
    func notYetIsAWarningSign(text: String) {
        let result = classify(text)
        #expect(result.phase == .before)
        #expect(result.signals.contains { $0.kind == "not-yet" && $0.weight > 0 })
        #expect(result.signals.contains { $0.kind == "negated" })
    }

    @Test func negationCancelsACue() {
        let hurt = classify("En person är skadad vid torget")
        let unhurt = classify("Ingen person är skadad vid torget")
        #expect(hurt.scores["during"] ?? 0 > unhurt.scores["during"] ?? 0)
        #expect(Self.matched(unhurt, kind: "negated").contains("skadad"))
        #expect(classify("Det brinner inte längre i källaren").phase == .after)
        #expect(classify("The flat isn't burning any more, the fire brigade has left").phase != .during)
    }

    @Test(arguments: [
        ("Det brinner inte längre i garaget", "brinner"), ("The garage is no longer burning", "burning"),
        ("They are not fighting any more", "fighting"),
    ])
    func anAcuteCueNoLongerTrueHasStopped(text: String, cue: String) {
        let result = classify(text)
        #expect(result.signals.contains { $0.kind == "no-longer" && $0.matched == cue && $0.vote == "after" })
        #expect(result.phase == .after)
    }

    @Test func noLongerNeedsAnAcuteCue() {
        // "No longer dares to go out" is strain that lasts, not an event that stopped.
        #expect(!classify("Hon vågar inte längre gå ut på kvällarna").signals.contains { $0.kind == "no-longer" })
        #expect(!classify("Det brinner i garaget, ingen är skadad").signals.contains { $0.kind == "no-longer" })
    }

    @Test func theModelReadsANegatedCueApart() {
        let plain = shippedClassifier.modelFeatures(ClassifierInput(text: "Det brinner"), bucketBits: 16)
        let negated = shippedClassifier.modelFeatures(ClassifierInput(text: "Det brinner inte"), bucketBits: 16)
        // "det" is the same word in both; "brinner" is not, once negated.
        #expect(!Set(plain.buckets).isSubset(of: Set(negated.buckets)))
        let det = shippedClassifier.modelFeatures(ClassifierInput(text: "Det"), bucketBits: 16)
        #expect(Set(det.buckets).isSubset(of: Set(negated.buckets)))
    }

    @Test(arguments: [
        ("Skottlossning i Rinkeby igår", Phase.after), ("A fire in the stairwell last week", .after),
        ("Kravaller i Husby förra helgen", .after), ("Det brinner i garaget just nu", .during),
    ])
    func aShortReportFollowsTheLexiconsClearLead(text: String, phase: Phase) {
        let result = classify(text)
        #expect(result.phase == phase)
        #expect(result.signals.contains { $0.kind == "short-report" && $0.vote == phase.rawValue })
        #expect(result.signals.contains { $0.kind == "model" })
        #expect(result.confidence < 1)
    }

    @Test func aLongReportIsTheModelsToDecide() {
        let text = "Branden på Bredängsvägen är släckt sedan en timme, familjerna är chockade och behöver stödsamtal"
        let result = classify(text)
        #expect(!result.signals.contains { $0.kind == "short-report" })
        #expect(result.signals.contains { $0.kind == "model" && $0.vote == result.phase.rawValue })
    }

    @Test func negationDoesNotCrossAClause() {
        let result = classify("Ingen kom till mötet. Det brinner i källaren")
        #expect(result.phase == .during)
        #expect(Self.matched(result, kind: "negated").isEmpty)
    }

    @Test(arguments: [
        "Efter skjutningen förra veckan var det lugnt, men nu brinner det i en bil just nu",
        "Since last week's shooting it had been calm, but right now a car is on fire",
    ])
    func anAcuteEventNowOutweighsAPastOne(text: String) {
        let result = classify(text)
        #expect(result.signals.contains { $0.kind == "present" })
        guard text.hasPrefix("Efter") else { return #expect(result.phase == .during) }
        // Known miss since the phase model (issue 15): its words for last week's shooting and the
        // calm since outweigh "just nu" and the present cue. Reported; this fails once it is fixed.
        withKnownIssue("the phase model reads this as after") { #expect(result.phase == .during) }
    }

    @Test func notYetDoesNotTurnAnOngoingFireIntoAWarning() {
        let result = classify("Det brinner i en lägenhet just nu, ingen är skadad än")
        #expect(result.phase == .during)
        #expect(!result.needsReview)
    }

    @Test func structuredFieldsComeBeforeTheText() {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let pastText = "Sedan branden förra veckan har barnen mardrömmar"
        func run(_ input: ClassifierInput) -> Classification { shippedClassifier.classify(input) }
        let explicit = run(ClassifierInput(text: pastText, ongoing: true, phase: .before, now: now))
        #expect(explicit.phase == .before)
        #expect(explicit.decidedBy == .reporter)
        #expect(explicit.confidence == 1)
        let ongoing = run(ClassifierInput(text: pastText, ongoing: true, now: now))
        #expect(ongoing.phase == .during)
        #expect(ongoing.decidedBy == .fields)
        let over = run(ClassifierInput(text: "Brand i köket", ongoing: false, occurredAt: now - 3600, now: now))
        #expect(over.phase == .after)
        #expect(over.decidedBy == .fields)
        let comingText = "Kommunen varnar för att bråket kan trappas upp i helgen"
        let coming = run(ClassifierInput(text: comingText, ongoing: false, occurredAt: now - 3600, now: now))
        #expect(coming.phase == .before)
        let planned = run(ClassifierInput(text: "Demonstration", ongoing: false, occurredAt: now + 86400, now: now))
        #expect(planned.phase == .before)
        #expect(planned.decidedBy == .fields)
    }

    @Test func noCueGetsTheModelsGuessWithLowConfidence() {
        let result = classify("Ring tillbaka till Anna på kontoret")
        #expect(result.phase != .unclassified)
        #expect(result.decidedBy == .text)
        #expect(result.needsReview)
        #expect(result.confidence < 0.5)
        #expect(result.signals.contains { $0.kind == "model" && $0.vote == result.phase.rawValue })
    }

    @Test func theModelShowsItsVerdictItsPartsAndItsStrongestFeatures() throws {
        let result = classify("Två grupper har drabbat samman vid torget och det har precis brutit ut slagsmål")
        #expect(result.phase == .during)
        let model = try #require(result.signals.first { $0.kind == "model" })
        #expect(model.vote == "during")
        #expect(model.weight == result.probabilities?["during"].map { ($0 * 100).rounded() / 100 })
        #expect(model.term == shippedModels.phase.version)
        let parts = result.signals.filter { $0.kind == "model-part" }
        #expect(Set(parts.map(\.rule)).isSubset(of: ["words", "lexicon", "cues"]))
        #expect(parts.contains { $0.rule == "cues" && $0.vote == "during" })
        let features = result.signals.filter { $0.kind == "model-feature" }
        #expect((1...3).contains(features.count))
        #expect(features.allSatisfy { $0.vote == "during" && $0.weight > 0 && !$0.term.isEmpty })
        #expect(zip(features, features.dropFirst()).allSatisfy { $0.weight >= $1.weight })
        let probabilities = try #require(result.probabilities)
        #expect(abs(probabilities.values.reduce(0, +) - 1) < 0.01)
    }

    @Test(arguments: [
        ("Två grupper har drabbat samman vid torget", "drabbat samman", Phase.during),
        ("The gathering has turned into a fight", "has turned into", .during),
        ("Det kan bli bråk vid skolan", "kan bli", .before),
        ("People have felt unsafe for weeks because of the dealing", "for weeks", .before),
        ("Två veckor efter branden sover barnen dåligt", "veckor efter", .after),
    ])
    func grammaticalCuesAreSignalsOfTheirOwn(text: String, matched: String, phase: Phase) {
        let result = classify(text)
        #expect(result.signals.contains { $0.kind == "cue" && $0.matched == matched && $0.vote == phase.rawValue })
    }

    @Test func aDecisiveRuleOverridesTheModel() throws {
        var lexicon = shippedClassifier.lexicon
        let text = "Det brinner i trapphuset just nu och röken sprider sig"
        #expect(classify(text).phase == .during)
        lexicon.rules.append(
            .init(name: "drill", target: .phase(.before), weight: 1, terms: ["trapphuset"], decisive: true))
        let result = try Classifier(lexicon, models: shippedModels).classify(ClassifierInput(text: text))
        #expect(result.phase == .before)
        #expect(result.decidedBy == .text)
        #expect(result.signals.contains { $0.kind == "decisive" && $0.rule == "drill" })
        #expect(result.signals.contains { $0.kind == "model" && $0.vote == "during" })
    }

    @Test func withoutAModelTheRulesDecideAndNoCueIsUnclassified() throws {
        let rulesOnly = try Classifier(
            shippedClassifier.lexicon, model: nil, otherLanguagesModel: shippedModels.otherLanguages,
            identifier: shippedModels.identifier)
        let burning = rulesOnly.classify(ClassifierInput(text: "Det brinner i trapphuset just nu"))
        #expect(burning.phase == .during)
        #expect(burning.probabilities == nil)
        #expect(!burning.signals.contains { $0.kind.hasPrefix("model") })
        let nothing = rulesOnly.classify(ClassifierInput(text: "Ring tillbaka till Anna på kontoret"))
        #expect(nothing.phase == .unclassified)
        #expect(nothing.decidedBy == .none)
        #expect(nothing.confidence == 0)
    }

    @Test func thinEvidenceNeedsReviewStrongEvidenceDoesNot() {
        #expect(classify("Brand").needsReview)
        #expect(!classify("Det brinner i trapphuset just nu och röken sprider sig").needsReview)
    }

    @Test func severityRisesWithInjuriesDeathsWeaponsChildrenAndScale() {
        let plain = classify("Bråk vid torget just nu")
        let armed = classify("Bråk med kniv vid torget just nu")
        let dead = classify("En person är död efter bråk med kniv vid torget just nu")
        let children = classify("Flera barn skadade när bråk med kniv pågår vid torget, en är död")
        #expect(plain.severity == 3)
        #expect(armed.severity == 4)
        #expect(dead.severity == 5)
        #expect(children.severity == 5)
        let injured = shippedClassifier.classify(ClassifierInput(text: "Bråk vid torget just nu", injured: 6))
        #expect(injured.severity == 5)
        #expect(classify("Vi planerar en kurs i första hjälpen").severity == 1)
    }

    @Test func theLanguageIsGuessedOrGiven() {
        #expect(classify("Det brinner i källaren och röken sprider sig").language == "sv")
        #expect(classify("The basement is on fire and the smoke is spreading").language == "en")
        let forced = classify("Brand i källaren", lang: "en")
        #expect(forced.language == "en")
        #expect(forced.signals.allSatisfy { $0.rule != "acute-event" || $0.term.hasPrefix("=") })
    }

    @Test func classificationIsDeterministic() {
        let text = "Skott har avlossats utanför pizzerian, en man är träffad i benet"
        #expect(classify(text) == classify(text))
    }
}
