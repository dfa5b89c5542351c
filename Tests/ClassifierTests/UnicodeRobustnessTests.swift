import DeskCore
import DeskTestSupport
import Foundation
import Testing

/// Text of any Unicode gets a sane classification and never crashes the classifier.
@Suite struct UnicodeRobustnessTests {
    static func isSane(_ result: Classification) -> Bool {
        (1...5).contains(result.severity) && (0...1).contains(result.confidence) && result.confidence.isFinite
    }

    @Test(arguments: [
        "🔥🔥🔥 det brinner 🚒 just nu", "حريق في الشقة الآن", "שריפה בבניין", "\u{202E}nu tsuj rennirb teD",
        "\u{0}\u{1}\u{7}\u{1B}[31m brand \u{7F}", "\u{200B}\u{200D}\u{FEFF}", "e\u{301}\u{301}\u{301}\u{301}",
        "\u{301}", "火事です", "Ｆｉｒｅ　ｒｉｇｈｔ　ｎｏｗ", "𝔉𝔦𝔯𝔢", "\u{FFFD}\u{FFFF}", String(repeating: "å", count: 8000),
        String(repeating: "brand ", count: 1300), "ﬁre in the ﬂat", "İSTANBUL ıı", "ß ẞ", ".,;:!?",
    ])
    func oddTextGetsAClassification(text: String) {
        #expect(Self.isSane(classify(text)))
    }

    @Test func randomScalarsNeverCrash() {
        var generator = SeededGenerator(seed: 0x1D35_C0DE)
        let planes: [ClosedRange<UInt32>] = [
            0x0...0x7F, 0x80...0x2FF, 0x300...0x36F, 0x590...0x6FF, 0x2000...0x206F, 0x1F300...0x1FAFF, 0xE000...0xF8FF,
        ]
        for _ in 0..<400 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...120, using: &generator) {
                let plane = planes[Int.random(in: 0..<planes.count, using: &generator)]
                if let scalar = Unicode.Scalar(UInt32.random(in: plane, using: &generator)) { scalars.append(scalar) }
            }
            #expect(Self.isSane(classify(String(scalars))))
        }
    }
}
