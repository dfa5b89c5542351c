import CSystemd
import Foundation
import Logging

/// A swift-log handler that writes journald's native protocol: `MESSAGE`, `PRIORITY`,
/// `SYSLOG_IDENTIFIER`, `CODE_FILE/LINE/FUNC` and each metadata entry as its own field
/// (`DESK_INCIDENT`, `MESSAGE_ID`, …), so `journalctl -o json` and `journalctl FIELD=value` work.
///
/// Entries go through a bounded queue to one writer thread: a journald that stops reading
/// makes `sd_journal_sendv` block, and that must never stall request handling. When the queue is
/// full, entries are dropped and counted; the count is reported once the journal drains.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let identifier: String
    let sink: JournalSink

    /// Creates a handler; every handler made from the same `sink` shares its queue.
    public init(label: String, identifier: String = "deskd", sink: JournalSink = .shared) {
        self.label = label
        self.identifier = identifier
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        var fields = [
            "MESSAGE=\(message)", "PRIORITY=\(Self.priority(level))", "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(file)", "CODE_LINE=\(line)", "CODE_FUNC=\(function)", "LOGGER=\(label)",
        ]
        let merged = explicit.map { metadata.merging($0) { _, new in new } } ?? metadata
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields.append("\(Self.fieldName(key))=\(value)")
        }
        sink.enqueue(fields)
    }

    /// syslog priorities: debug 7 … critical 2.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// A journal field name: upper case letters, digits and `_`, not starting with `_` or a digit.
    static func fieldName(_ key: String) -> String {
        var name = String(
            key.uppercased().unicodeScalars.map { scalar -> Character in
                let v = scalar.value
                return (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39) ? Character(scalar) : "_"
            })
        while name.hasPrefix("_") { name.removeFirst() }
        if name.isEmpty || name.first?.isNumber == true { name = "F" + name }
        return String(name.prefix(64))
    }

    /// Whether standard error is connected to the journal (`JOURNAL_STREAM` names its device and inode).
    public static var stderrIsJournal: Bool {
        guard let stream = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        var status = stat()
        guard parts.count == 2, fstat(2, &status) == 0 else { return false }
        return UInt64(parts[0]) == UInt64(status.st_dev) && UInt64(parts[1]) == UInt64(status.st_ino)
    }
}

/// The queue between logging callers and the one thread that talks to journald.
///
/// `@unchecked Sendable`: every stored property but the immutable `capacity` is read and written
/// only while `condition` is locked (`enqueue`, `flush`, and `drain` on the sink's own thread).
public final class JournalSink: @unchecked Sendable {
    /// The process-wide sink.
    public static let shared = JournalSink()

    private let condition = NSCondition()
    private var queue: [[String]] = []
    private var dropped = 0
    private var started = false
    private var pending = 0
    let capacity: Int

    /// Creates a sink holding at most `capacity` entries while journald is slow.
    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func enqueue(_ fields: [String]) {
        condition.lock()
        defer { condition.unlock() }
        if !started {
            started = true
            let thread = Thread { [self] in self.drain() }
            thread.name = "deskd-journal"
            thread.start()
        }
        if queue.count >= capacity {
            dropped += 1
            return
        }
        queue.append(fields)
        pending += 1
        condition.signal()
    }

    /// Waits (at most `timeout` seconds) until every queued entry was handed to journald.
    public func flush(timeout: Double = 2) {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while pending > 0, condition.wait(until: deadline) {}
    }

    private func drain() {
        while true {
            condition.lock()
            while queue.isEmpty { condition.wait() }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            let lost = dropped
            dropped = 0
            condition.unlock()
            if lost > 0 {
                send([
                    "MESSAGE=deskd dropped \(lost) log entries while the journal was not reading", "PRIORITY=4",
                    "SYSLOG_IDENTIFIER=deskd",
                ])
            }
            for fields in batch { send(fields) }
            condition.lock()
            pending -= batch.count
            condition.broadcast()
            condition.unlock()
        }
    }

    private func send(_ fields: [String]) {
        let copies = fields.compactMap { strdup($0) }
        defer { copies.forEach { free($0) } }
        var vectors = copies.map { iovec(iov_base: UnsafeMutableRawPointer($0), iov_len: strlen($0)) }
        _ = sd_journal_sendv(&vectors, Int32(vectors.count))
    }
}
