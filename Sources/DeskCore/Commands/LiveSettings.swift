import Synchronization

/// The settings in force, shared by everything that decides: replaced whole or in part on reload,
/// read as one consistent value by each command.
public final class LiveSettings: Sendable {
    private let state: Mutex<DeskSettings>

    /// Holds `settings`.
    public init(_ settings: DeskSettings) { state = Mutex(settings) }

    /// The settings now.
    public var current: DeskSettings { state.withLock { $0 } }

    /// Changes the settings in place, e.g. `settings.update { $0.areas = reloaded }`.
    public func update(_ change: (inout DeskSettings) -> Void) { state.withLock { change(&$0) } }
}
