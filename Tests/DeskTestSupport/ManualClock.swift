import DeskCore
import Foundation
import Synchronization

/// A wall clock that moves only when a test moves it.
public final class ManualClock: WallClock {
    private let current: Mutex<Date>

    /// A clock showing `start` (by default the real time when it is made).
    public init(_ start: Date = Date()) { current = Mutex(start) }

    /// The time it shows.
    public func now() -> Date { current.withLock { $0 } }

    /// Moves it on by `seconds`.
    public func advance(seconds: TimeInterval) { current.withLock { $0 += seconds } }
}
