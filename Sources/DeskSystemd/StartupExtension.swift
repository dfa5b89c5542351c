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
        return try run(status: status, every: interval, extendingBy: length, send: { notifier.notify($0) }, work)
    }

    /// `run` with `send` for the notifications (the tests' stand-in for the socket).
    static func run<Value>(
        status: String, every interval: Duration, extendingBy length: Duration,
        send: @escaping @Sendable ([String]) -> Void, _ work: () throws -> Value
    ) rethrows -> Value {
        let fields = ["EXTEND_TIMEOUT_USEC=\(microseconds(length))", "STATUS=\(status)"]
        send(fields)
        // A queue of its own (serial queues get a thread even when the global queues' few, one
        // per core, are all blocked, as they may be at start-up and are under the test suite).
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "deskd.startup-extension"))
        let period = DispatchTimeInterval.microseconds(Int(microseconds(interval)))
        timer.schedule(deadline: .now() + period, repeating: period)
        timer.setEventHandler { send(fields) }
        timer.resume()
        defer { timer.cancel() }
        return try work()
    }

    private static func microseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
    }
}
