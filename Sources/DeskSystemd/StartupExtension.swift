import Foundation

/// Keeps the service manager's start-up timeout (`TimeoutStartSec=`, 90 s by default) from ending
/// deskd while it opens its database: the migrations a new deskd runs on a desk of millions of
/// rows can take minutes, and a deskd killed half-way would start over, and be killed, again.
public enum StartupExtension {
    /// Runs `work`, telling the service manager meanwhile that start-up goes on: `status` with
    /// `EXTEND_TIMEOUT_USEC` of `length` at once and again every `interval` until `work` ends
    /// (`interval` must be shorter than `length`). Sends nothing when not supervised, or when
    /// nobody listens.
    public static func run<Value>(
        status: String, notifier: SystemdNotifier = SystemdNotifier(), every interval: Duration = .seconds(20),
        extendingBy length: Duration = .seconds(60), _ work: () throws -> Value
    ) rethrows -> Value {
        guard notifier.isSupervised else { return try work() }
        let microseconds = length.components.seconds * 1_000_000 + length.components.attoseconds / 1_000_000_000_000
        let fields = ["EXTEND_TIMEOUT_USEC=\(microseconds)", "STATUS=\(status)"]
        notifier.notify(fields)
        let milliseconds = Int(
            interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(milliseconds))
        timer.setEventHandler { notifier.notify(fields) }
        timer.resume()
        defer { timer.cancel() }
        return try work()
    }
}
