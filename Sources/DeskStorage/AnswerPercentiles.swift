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

    /// Of answer times in milliseconds, in any order: the four values needed found by selection
    /// (`Selection`), in time proportional to the count, rather than by sorting them all.
    init(milliseconds values: [Int64]) {
        guard !values.isEmpty else {
            median = nil
            p90 = nil
            return
        }
        var values = values
        // The higher rank first: selecting it leaves every smaller value before it, where the
        // median's rank is then selected.
        let high = Self.interpolate(&values, 90, within: values.count)
        let low = Self.interpolate(&values, 50, within: (values.count - 1) * 90 / 100 + 1)
        median = low / 1000
        p90 = high / 1000
    }

    /// The `percent` percentile of `values` (not empty), whose smallest `count` values are in
    /// `values[..<count]` (the ranks asked for are below it): the value of rank (n − 1) × p / 100
    /// selected in place, and the next rank's, the smallest after it.
    private static func interpolate(_ values: inout [Int64], _ percent: Int, within count: Int) -> Double {
        let scaled = (values.count - 1) * percent
        let index = scaled / 100
        Selection.select(&values, rank: index, in: 0..<count)
        let value = values[index]
        let fraction = scaled % 100
        guard fraction != 0, index + 1 < values.count else { return Double(value) }
        // Every value after `index` is at least `value`; the next rank's is the least of them.
        let next = values[(index + 1)...].min() ?? value
        return Double(value) + Double(fraction) / 100.0 * Double(next - value)
    }
}

/// Quickselect with a three-way partition (many equal answer times cost no more than distinct
/// ones), falling back to sorting the part left when it takes too many rounds.
enum Selection {
    /// Reorders `values[range]` so that `values[rank]` is the value of that rank within the range,
    /// every value before it (in the range) no greater and every one after it no smaller.
    static func select(_ values: inout [Int64], rank: Int, in range: Range<Int>) {
        var low = range.lowerBound
        var high = range.upperBound  // exclusive
        var rounds = 0
        while high - low > 1 {
            rounds += 1
            if rounds > 64 {
                values[low..<high].sort()
                return
            }
            let middle = low + (high - low) / 2
            let pivot = median(values[low], values[middle], values[high - 1])
            // Dutch flag: [low, less) < pivot, [less, index) == pivot, (greater, high) > pivot.
            var less = low
            var index = low
            var greater = high - 1
            while index <= greater {
                if values[index] < pivot {
                    values.swapAt(index, less)
                    less += 1
                    index += 1
                } else if values[index] > pivot {
                    values.swapAt(index, greater)
                    greater -= 1
                } else {
                    index += 1
                }
            }
            if rank < less {
                high = less
            } else if rank > greater {
                low = greater + 1
            } else {
                return
            }
        }
    }

    private static func median(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
        max(min(a, b), min(max(a, b), c))
    }
}
