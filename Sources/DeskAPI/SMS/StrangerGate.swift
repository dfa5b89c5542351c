import DeskCore
import Foundation
import Synchronization

/// Texts from numbers no responder has: counted, answered once per number per day, and limited
/// per number (at most `perHour` a rolling hour are looked at; the rest are dropped). Kept in
/// memory only — nothing about such a number is written — and bounded: at most `capacity`
/// numbers, the oldest forgotten first.
final class StrangerGate: Sendable {
    /// What to do with one text from an unknown number.
    enum Verdict: Equatable {
        /// Send the polite answer (the first today).
        case answer
        /// Already answered today: nothing.
        case quiet
        /// Over the per-number limit: dropped.
        case limited
    }

    private struct Entry {
        var answeredDay: Int?
        var recent: [Date]
        var lastSeen: Date
    }

    private let clock: any WallClock
    private let perHour: Int
    private let capacity: Int
    private let state = Mutex<(entries: [String: Entry], count: Int)>(([:], 0))

    init(clock: any WallClock, perHour: Int = 5, capacity: Int = 10_000) {
        self.clock = clock
        self.perHour = perHour
        self.capacity = capacity
    }

    /// How many texts from unknown numbers were seen.
    var count: Int { state.withLock { $0.count } }

    /// Counts a text from `number` and says what to do with it.
    func admit(_ number: PhoneNumber) -> Verdict {
        let now = clock.now()
        let day = Int(now.timeIntervalSince1970 / 86_400)
        return state.withLock { state in
            state.count += 1
            var entry = state.entries[number.e164] ?? Entry(answeredDay: nil, recent: [], lastSeen: now)
            entry.recent = entry.recent.filter { now.timeIntervalSince($0) < 3600 }
            entry.lastSeen = now
            let verdict: Verdict
            if entry.recent.count >= perHour {
                verdict = .limited
            } else {
                entry.recent.append(now)
                if entry.answeredDay == day {
                    verdict = .quiet
                } else {
                    entry.answeredDay = day
                    verdict = .answer
                }
            }
            if state.entries[number.e164] == nil, state.entries.count >= capacity,
                let oldest = state.entries.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key
            {
                state.entries[oldest] = nil
            }
            state.entries[number.e164] = entry
            return verdict
        }
    }
}
