import DeskCore
import DeskTestSupport
import Foundation
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (1_795_000_000.123, "2026-11-18T11:06:40.123Z"),
        (951_782_400.0, "2000-02-29T00:00:00.000Z"),
        (-1.5, "1969-12-31T23:59:58.500Z"),
        (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
    ])
    func formatsAndParsesExactly(seconds: Double, text: String) throws {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(Timestamp.format(date) == text)
        let parsed = try #require(Timestamp.parse(text))
        #expect(Timestamp.format(parsed) == text)
        #expect(parsed == Timestamp.date(milliseconds: Timestamp.milliseconds(date)))
    }

    @Test func agreesWithFoundationOverManyRandomInstants() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)
        var generator = SeededGenerator(seed: 20_261_206)
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -2_000_000_000...5_000_000_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect(Timestamp.format(date).prefix(19) == style.format(date).prefix(19))
        }
    }

    @Test func yearsOutsideFourDigitsAreWrittenInFullAndAppendingGivesTheSameText() {
        // 0000-01-01 and 12000-01-01, around the fast path for years 0...9999.
        let yearZero = Date(timeIntervalSince1970: -62_167_219_200)
        #expect(Timestamp.format(yearZero) == "0000-01-01T00:00:00.000Z")
        let far = Date(timeIntervalSince1970: 316_516_204_800)
        #expect(Timestamp.format(far) == "12000-01-01T00:00:00.000Z")
        for seconds in [0.0, 1_795_000_000.123, -1.5] {
            var bytes = Array("x".utf8)
            Timestamp.append(Date(timeIntervalSince1970: seconds), to: &bytes)
            #expect(
                String(decoding: bytes, as: UTF8.self) == "x" + Timestamp.format(Date(timeIntervalSince1970: seconds)))
        }
    }

    @Test func truncatedDatesRoundTripBitForBit() throws {
        var generator = SeededGenerator(seed: 1_700_000_000)
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double.random(in: 1_700_000_000...1_900_000_000, using: &generator))
                .truncatedToMilliseconds
            #expect(Timestamp.parse(Timestamp.format(date)) == date)
        }
    }

    @Test(arguments: [
        "", "2026-11-22T14:05:09Z", "2026-13-22T14:05:09.000Z", "2026-11-22 14:05:09.000Z", "2026-11-22T24:00:00.000Z",
    ])
    func refusesOtherForms(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
