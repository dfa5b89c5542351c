import Testing

@testable import DeskCore

/// `StoredClassification` reads `language` and `review_reason` from the stored JSON without
/// decoding it: found exactly, absent as nil, and nil (decode the whole instead) when escaped.
@Suite struct StoredClassificationMemberTests {
    @Test func membersAreReadFromTheStoredBytes() {
        let json =
            #"{"category":"fire","language":"ti","needs_review":true,"review_reason":"needs someone who reads Tigrinya – ትግርኛ","scores":{"during":2}}"#
        let stored = StoredClassification(storedJSON: json)
        #expect(stored.language == "ti")
        #expect(stored.reviewReason == "needs someone who reads Tigrinya – ትግርኛ")
        #expect(StoredClassification.member("phase", in: json) == nil)
        #expect(StoredClassification.member("language", in: #"{"language":"a\"b"}"#) == nil)
        #expect(StoredClassification.member("language", in: #"{"language":"so"#) == nil)
        #expect(StoredClassification.member("language", in: "") == nil)
        #expect(StoredClassification(storedJSON: #"{"phase":"during"}"#).language == nil)
    }
}
