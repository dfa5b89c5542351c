import Foundation
import Synchronization

/// Makes UUIDv7 ids that are strictly increasing within this process, even within one millisecond
/// and when the clock steps backwards (RFC 9562 §6.2, method 1: a 12-bit counter in `rand_a`).
public final class IDGenerator: Sendable {
    private struct State {
        var lastMilliseconds: UInt64 = 0
        var counter: UInt16 = 0
    }

    private let clock: any WallClock
    private let state = Mutex(State())

    /// Creates a generator reading time from `clock`.
    public init(clock: any WallClock) {
        self.clock = clock
    }

    /// The next id.
    public func next() -> DeskID {
        let now = clock.now().timeIntervalSince1970
        let wall = UInt64(max(0, now * 1000))
        let (milliseconds, counter) = state.withLock { state -> (UInt64, UInt16) in
            if wall > state.lastMilliseconds {
                state.lastMilliseconds = wall
                // Start the counter low and random so ids from one millisecond stay unguessable
                // yet leave room for thousands more in the same millisecond.
                state.counter = UInt16.random(in: 0..<0x400)
            } else if state.counter >= 0xFFF {
                state.lastMilliseconds += 1
                state.counter = UInt16.random(in: 0..<0x400)
            } else {
                state.counter += 1
            }
            return (state.lastMilliseconds, state.counter)
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index)))
        }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        var random = SystemRandomNumberGenerator()
        let tail = random.next() as UInt64
        for index in 8..<16 {
            bytes[index] = UInt8(truncatingIfNeeded: tail >> (8 * (15 - index)))
        }
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        return DeskID(bytes: bytes)
    }
}
