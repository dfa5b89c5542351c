import DeskCore
import Foundation
import Testing

struct FixedClock: WallClock {
    var instant: Date
    func now() -> Date { instant }
}

@Suite struct DeskIDTests {
    @Test func idsFromOneMillisecondAreStrictlyIncreasing() {
        let generator = IDGenerator(clock: FixedClock(instant: Date(timeIntervalSince1970: 1_795_000_000.123)))
        let ids = (0..<10_000).map { _ in generator.next() }
        for (earlier, later) in zip(ids, ids.dropFirst()) {
            #expect(earlier < later)
        }
        #expect(Set(ids).count == ids.count)
    }

    /// The text is the canonical form Foundation writes for the same 16 bytes.
    @Test func textIsTheCanonicalLowerCaseForm() {
        let generator = IDGenerator(clock: FixedClock(instant: Date(timeIntervalSince1970: 1_795_000_000.123)))
        for _ in 0..<2_000 {
            let id = generator.next()
            #expect(UUID(uuidString: id.rawValue)?.uuidString.lowercased() == id.rawValue)
            #expect(DeskID(id.rawValue) == id)
        }
    }

    @Test func idsStayOrderedWhenTheClockStepsBack() {
        final class SteppingClock: WallClock, @unchecked Sendable {
            // Only touched from this test's single thread.
            var times: [Double] = [1_795_000_010, 1_795_000_000, 1_795_000_005]
            func now() -> Date { Date(timeIntervalSince1970: times.count > 1 ? times.removeFirst() : times[0]) }
        }
        let generator = IDGenerator(clock: SteppingClock())
        let first = generator.next()
        let second = generator.next()
        let third = generator.next()
        #expect(first < second)
        #expect(second < third)
    }

    @Test func idIsVersion7WithRFCVariantAndCarriesItsTimestamp() throws {
        let instant = Date(timeIntervalSince1970: 1_795_000_000.456)
        let id = IDGenerator(clock: FixedClock(instant: instant)).next()
        let text = id.rawValue
        #expect(text.count == 36)
        let characters = Array(text)
        #expect(characters[14] == "7")
        #expect("89ab".contains(characters[19]))
        #expect(abs(id.timestamp.timeIntervalSince(instant)) < 0.001)
    }

    @Test func parsingNormalisesCaseAndRejectsMalformedText() {
        #expect(DeskID("0193F0A2-7C4E-7A31-8C2D-3F5E6A7B8C9D")?.rawValue == "0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9d")
        #expect(DeskID("0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9") == nil)
        #expect(DeskID("0193f0a2x7c4e-7a31-8c2d-3f5e6a7b8c9d") == nil)
        #expect(DeskID("zz93f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9d") == nil)
        #expect(DeskID("") == nil)
    }
}
