/// The median and 90th percentile of a group's answer times, interpolated as `percentile_cont`
/// (and as `StatsQueries.callOuts`'s window functions, to the bit): the value at rank
/// (n − 1) × p / 100 plus the fraction ((n − 1) × p mod 100) / 100 of the way to the next.
struct AnswerPercentiles: Sendable, Equatable {
    /// Seconds, or nil for no answer.
    let median: Double?
    let p90: Double?

    /// Percentiles already computed (PostgreSQL's `percentile_cont`), in seconds.
    init(median: Double?, p90: Double?) {
        self.median = median
        self.p90 = p90
    }

    /// Of answer times in milliseconds, in any order.
    init(milliseconds values: [Int64]) {
        let sorted = values.sorted()
        median = Self.percentile(sorted, 50).map { $0 / 1000 }
        p90 = Self.percentile(sorted, 90).map { $0 / 1000 }
    }

    private static func percentile(_ sorted: [Int64], _ percent: Int) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let scaled = (sorted.count - 1) * percent
        let index = scaled / 100
        let next = index + 1 < sorted.count ? sorted[index + 1] : sorted[index]
        return Double(sorted[index]) + Double(scaled % 100) / 100.0 * Double(next - sorted[index])
    }
}
