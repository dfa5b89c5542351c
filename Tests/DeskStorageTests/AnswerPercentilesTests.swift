import DeskTestSupport
import Testing

@testable import DeskStorage

/// The answer times' percentiles found by selection equal those of a full sort (the arithmetic
/// `percentile_cont` and the window-function count use), bit for bit: for every count up to 300,
/// with values drawn from a few (many equal) or from many, in random, ascending and descending
/// order.
@Suite struct AnswerPercentilesTests {
    /// The percentiles as the sorted array gives them.
    private static func sorted(_ values: [Int64]) -> AnswerPercentiles {
        let sorted = values.sorted()
        func percentile(_ percent: Int) -> Double {
            let scaled = (sorted.count - 1) * percent
            let index = scaled / 100
            let next = index + 1 < sorted.count ? sorted[index + 1] : sorted[index]
            return Double(sorted[index]) + Double(scaled % 100) / 100.0 * Double(next - sorted[index])
        }
        return AnswerPercentiles(median: percentile(50) / 1000, p90: percentile(90) / 1000)
    }

    @Test func selectionGivesWhatSortingGives() {
        var random = SeededGenerator(seed: 35)
        var checked = 0
        for count in 1...300 {
            for spread: Int64 in [1, 3, 1_800_000] {
                let drawn = (0..<count).map { _ in Int64.random(in: 0...spread, using: &random) }
                for values in [drawn, drawn.sorted(), drawn.sorted(by: >)] {
                    #expect(AnswerPercentiles(milliseconds: values) == Self.sorted(values), "\(values)")
                    checked += 1
                }
            }
        }
        #expect(checked == 2_700)
        #expect(AnswerPercentiles(milliseconds: []) == AnswerPercentiles(median: nil, p90: nil))
        // Ten answers: the median halfway between the 5th and 6th, the 90th percentile 0.1 of the
        // way from the 9th to the 10th.
        let ten = AnswerPercentiles(milliseconds: [
            10_000, 1_000, 9_000, 2_000, 8_000, 3_000, 7_000, 4_000, 6_000, 5_000,
        ])
        #expect(ten.median == 5.5 && ten.p90 == 9.1)
    }
}
