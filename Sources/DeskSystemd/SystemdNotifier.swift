import CSystemd
import Foundation

/// Talks to the service manager through `sd_notify`: readiness, status, stopping, reloading and
/// watchdog pings. Every call is a no-op when `NOTIFY_SOCKET` is unset (not run by systemd).
public struct SystemdNotifier: Sendable {
    /// Creates a notifier for this process.
    public init() {}

    /// Whether a service manager listens (`NOTIFY_SOCKET` is set).
    public var isSupervised: Bool { ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil }

    /// Sends `fields` (e.g. `READY=1`, `STATUS=…`) as one notification.
    /// - Returns: true when it was sent, false when nobody listens or sending failed.
    @discardableResult
    public func notify(_ fields: [String]) -> Bool {
        guard !fields.isEmpty else { return false }
        // Newlines separate fields: strip them from each value so a status cannot forge a field.
        let message = fields.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
        return sd_notify(0, message) > 0
    }

    /// `READY=1` with the current status.
    public func ready(status: String) { notify(["READY=1", "STATUS=\(status)"]) }

    /// `STATUS=…`: a line `systemctl status` shows.
    public func status(_ text: String) { notify(["STATUS=\(text)"]) }

    /// `STOPPING=1`.
    public func stopping() { notify(["STOPPING=1", "STATUS=Stopping"]) }

    /// `RELOADING=1` with the monotonic time, as systemd expects before a reload.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        notify(["RELOADING=1", "MONOTONIC_USEC=\(microseconds)", "STATUS=Reloading the configuration"])
    }

    /// `WATCHDOG=1`.
    public func watchdogPing() { notify(["WATCHDOG=1"]) }

    /// The watchdog interval systemd expects pings within, if it set one for this process.
    public var watchdogInterval: Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(microseconds))
    }
}
