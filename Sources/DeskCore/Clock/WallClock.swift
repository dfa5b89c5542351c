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
