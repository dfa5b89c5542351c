import DeskCore
import DeskTestSupport
import Foundation
import Testing

/// Never confidently wrong where it cannot read: a report in a language the lexicon has no rules
/// for is named, read by the model for the other languages, and sent to review with its language
/// in the reason unless that model is sure.
@Suite struct ReviewByLanguageTests {
    /// Short reports (the texts are this test's own): too little for the model to be sure.
    @Test(arguments: [
        ("so", "Somali", "Dab ayaa ka kacay guriga Tensta"),
        ("ar", "Arabic", "يوجد حريق في العمارة الآن"),
        ("fa", "Persian or Dari", "در ساختمان ما آتش سوزی شده"),
        ("ti", "Tigrinya", "ኣብ ገዛና ሓዊ ተላዒሉ ኣሎ"),
    ])
    func anUnsureReportGoesToReviewNamingItsLanguage(code: String, name: String, text: String) throws {
        let result = classify(text)
        #expect(result.language == code)
        #expect(result.confidence < shippedClassifier.lexicon.settings.unfamiliarReviewThreshold)
        #expect(result.needsReview)
        #expect(result.reviewReason == "needs someone who reads \(name)")
        #expect(result.phase != .unclassified)
        let stored = StoredClassification(storedJSON: result.canonicalJSON)
        #expect(stored.language == code)
        #expect(stored.reviewReason == "needs someone who reads \(name)")
        #expect(try stored.value() == result)
    }

    @Test func aSureReportInAnotherLanguageNeedsNoReview() {
        let result = classify(
            "Dab weyn ayaa hadda ka socda dhismaha Rinkeby, dad badan ayaa ku xayiran dabaqa saddexaad, "
                + "qiiq madow ayaa ka soo baxaya daaqadaha, fadlan dab-demiska iyo ambulans si degdeg ah u soo dira")
        #expect(result.language == "so")
        if result.confidence >= shippedClassifier.lexicon.settings.unfamiliarReviewThreshold {
            #expect(!result.needsReview)
            #expect(result.reviewReason == nil)
        } else {
            #expect(result.needsReview)
            #expect(result.reviewReason == "needs someone who reads Somali")
        }
    }

    @Test func swedishAndEnglishGiveNoLanguageReason() {
        let sure = classify("Det brinner i trapphuset just nu och röken sprider sig")
        #expect(sure.language == "sv")
        #expect(sure.reviewReason == nil)
        let thin = classify("Brand")
        #expect(thin.needsReview)
        #expect(thin.reviewReason == nil)
        #expect(classify("The basement is on fire and the smoke is spreading").language == "en")
    }

    @Test func aGivenLanguageWins() {
        #expect(classify("Dab ayaa ka kacay guriga Tensta", lang: "sv").language == "sv")
    }

    @Test func aClassificationStoredBeforeLanguagesHasNone() throws {
        let old = StoredClassification(
            storedJSON: #"{"category":"fire","confidence":0.9,"decided_by":"text","needs_review":false,"#
                + #""phase":"during","scores":{"after":0,"before":0,"during":2},"severity":3,"signals":[]}"#)
        #expect(old.language == nil)
        #expect(old.reviewReason == nil)
        #expect(try old.value().phase == .during)
    }

    @Test func theReasonNamesTheLanguage() {
        #expect(LanguageNames.reviewReason("so") == "needs someone who reads Somali")
        #expect(LanguageNames.reviewReason("ti") == "needs someone who reads Tigrinya")
        #expect(LanguageNames.reviewReason("und") == "needs someone who can tell its language")
    }
}
