import Foundation

/// The source of "now" for the domain. Injected everywhere so tests can fix time.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The real clock.
public struct SystemWallClock: WallClock {
    /// Creates the system clock.
    public init() {}

    /// The current instant, from the operating system.
    public func now() -> Date { Date() }
}

extension Date {
    /// This instant without sub-millisecond digits: the precision the desk stores and shows.
    public var truncatedToMilliseconds: Date {
        Timestamp.date(milliseconds: Int64((timeIntervalSince1970 * 1000).rounded(.down)))
    }
}
