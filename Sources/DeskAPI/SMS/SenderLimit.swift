import DeskCore
import Foundation
import Synchronization

/// Texts taken per number in a rolling hour, for every number (a responder's phone stuck in a
/// loop must not flood the desk): a text over the limit is dropped before anything reads or
/// writes for it. Kept in memory only and bounded: at most `capacity` numbers, the one heard
/// from longest ago forgotten first.
final class SenderLimit: Sendable {
    /// What to do with one text.
    enum Verdict: Equatable {
        /// Take it.
        case take
        /// Drop it; `first` for the first text dropped since the number was last taken (log that one).
        case limited(first: Bool)
    }

    private struct Entry {
        var taken: [Date] = []
        var dropping = false
        var lastSeen: Date
    }

    private let clock: any WallClock
    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(clock: any WallClock, capacity: Int = 10_000) {
        self.clock = clock
        self.capacity = capacity
    }

    /// Counts a text from `number`, at most `perHour` taken in a rolling hour.
    func admit(_ number: PhoneNumber, perHour: Int) -> Verdict {
        let now = clock.now()
        return entries.withLock { entries in
            var entry = entries[number.e164] ?? Entry(lastSeen: now)
            entry.taken = entry.taken.filter { now.timeIntervalSince($0) < 3600 }
            entry.lastSeen = now
            let verdict: Verdict
            if entry.taken.count < perHour {
                entry.taken.append(now)
                entry.dropping = false
                verdict = .take
            } else {
                verdict = .limited(first: !entry.dropping)
                entry.dropping = true
            }
            if entries[number.e164] == nil, entries.count >= capacity,
                let oldest = entries.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key
            {
                entries[oldest] = nil
            }
            entries[number.e164] = entry
            return verdict
        }
    }
}
