import DeskCore
import Foundation

/// Rosters, trigger policy, escalation and notification settings (`[roster]`, `[[trigger]]`,
/// `[[receiver]]`, `[notifications]`).
public struct DutyConfiguration: Sendable, Hashable {
    /// The time zone hand-offs are given in.
    public var timeZone: String
    public var policy: TriggerPolicy
    public var receivers: [Receiver]
    /// The SMS receiver (`kind = "sms"`), at most one.
    public var sms: SMSReceiver?
    public var delivery: DeliveryPolicy

    /// A webhook that gets call-outs, escalations and unstaffed incidents as signed JSON POSTs.
    public struct Receiver: Sendable, Hashable {
        public var name: String
        public var url: URL
        /// The HMAC-SHA256 key for the `X-Desk-Signature` header.
        public var secret: String
        /// How long one attempt may take.
        public var timeout: TimeInterval
        /// Plain `http://` to another host was allowed explicitly (`insecure = true`).
        public var insecure: Bool = false
    }

    /// The defaults: Europe/Stockholm, the standard policy, no receivers.
    public static let standard = DutyConfiguration(
        timeZone: "Europe/Stockholm", policy: .standard, receivers: [], delivery: DeliveryPolicy())

    /// The desk's calendar.
    public var calendar: LocalCalendar { LocalCalendar(timeZone: TimeZone(identifier: timeZone) ?? .gmt) }

    /// The settings the duty desk runs with.
    public var settings: DutySettings {
        DutySettings(
            policy: policy, calendar: calendar, receivers: receivers.map(\.name), textReceiver: sms?.name,
            delivery: delivery)
    }

    static func parse(_ document: inout ConfigTable) throws(ConfigError) -> DutyConfiguration {
        var roster = try document.table("roster")
        let zone = try roster.string("time_zone") ?? "Europe/Stockholm"
        guard TimeZone(identifier: zone) != nil else {
            throw roster.error("time_zone", "\"\(zone)\" is not a time zone (e.g. Europe/Stockholm)")
        }
        let graceHours = try roster.integer("follow_up_grace_hours", in: 0...720) ?? 24
        let national = try roster.strings("national_duty_officers") ?? []
        try roster.rejectUnknownKeys()

        var rules: [TriggerPolicy.Rule] = []
        for var table in try document.tables("trigger") {
            rules.append(try rule(&table))
        }
        var policy = rules.isEmpty ? TriggerPolicy.standard : TriggerPolicy(rules: rules)
        policy.followUpGrace = TimeInterval(graceHours * 3600)
        policy.nationalDutyOfficers = national

        var receivers: [Receiver] = []
        var sms: SMSReceiver?
        for var table in try document.tables("receiver") {
            guard let name = try table.string("name"), !name.isEmpty, Roster.isValidKey(name) else {
                throw table.error("name", "every receiver needs a name of letters, digits, '-' or '_'")
            }
            if receivers.contains(where: { $0.name == name }) || sms?.name == name {
                throw table.error("name", "another receiver is named \"\(name)\"")
            }
            switch try table.string("kind") ?? "webhook" {
            case "webhook":
                receivers.append(try Self.receiver(&table, name: name))
            case "sms":
                if let sms {
                    throw table.error(
                        "kind", "receiver \"\(sms.name)\" already texts responders; one SMS receiver at most")
                }
                sms = try SMSReceiver.parse(&table, name: name)
            case let other:
                throw table.error("kind", "must be \"webhook\" or \"sms\" (got \"\(other)\")")
            }
        }

        var notifications = try document.table("notifications")
        let first = try notifications.integer("first_retry_seconds", in: 1...3600) ?? 2
        let maxBackoff = try notifications.integer("max_backoff_seconds", in: 1...86_400) ?? 300
        let giveUp = try notifications.integer("give_up_after_hours", in: 1...720) ?? 24
        try notifications.rejectUnknownKeys()
        return DutyConfiguration(
            timeZone: zone, policy: policy, receivers: receivers, sms: sms,
            delivery: DeliveryPolicy(
                firstRetry: TimeInterval(first), maxBackoff: TimeInterval(maxBackoff),
                giveUpAfter: TimeInterval(giveUp * 3600)))
    }

    private static func rule(_ table: inout ConfigTable) throws(ConfigError) -> TriggerPolicy.Rule {
        let phaseText = try table.string("phase") ?? ""
        guard let phase = Phase(assignable: phaseText) else {
            throw table.error("phase", "must be before, during or after (got \"\(phaseText)\")")
        }
        let roleText = try table.string("role") ?? ""
        guard let role = DutyRole(rawValue: roleText) else {
            throw table.error("role", "must be one of \(DutyRole.names) (got \"\(roleText)\")")
        }
        var category: Category?
        if let text = try table.string("category") {
            guard let parsed = Category(rawValue: text) else {
                throw table.error("category", "\"\(text)\" is not a category")
            }
            category = parsed
        }
        let severity = try table.integer("min_severity", in: 1...5)
        let count = try table.integer("count", in: 0...20) ?? 1
        let ack = try table.integer("ack_minutes", in: 1...10_080) ?? 15
        var followUps: [TimeInterval] = []
        for text in try table.strings("follow_ups") ?? [] {
            guard let offset = offset(text) else {
                throw table.error("follow_ups", "\"\(text)\" is not an offset such as \"1d\", \"7d\" or \"12h\"")
            }
            followUps.append(offset)
        }
        let task = try table.string("task")
        try table.rejectUnknownKeys()
        return TriggerPolicy.Rule(
            phase: phase, category: category, minSeverity: severity, role: role, count: count,
            ackWithin: TimeInterval(ack * 60), followUps: followUps, task: task)
    }

    private static func receiver(_ table: inout ConfigTable, name: String) throws(ConfigError) -> Receiver {
        guard let text = try table.string("url"), let url = URL(string: text),
            ["http", "https"].contains(url.scheme ?? ""), let host = url.host
        else {
            throw table.error("url", "must be an http:// or https:// URL")
        }
        // Call-outs carry names and phone numbers: in clear text only to this host, unless told.
        let insecure = try table.boolean("insecure") ?? false
        if url.scheme == "http", !insecure, !Self.isLoopback(host) {
            throw table.error(
                "url",
                "\"\(text)\" would send call-outs and contacts unencrypted; use https://, a loopback address "
                    + "(127.0.0.1, ::1, localhost), or set insecure = true for this receiver")
        }
        var secret = try table.string("secret")
        if let file = try table.string("secret_file") {
            do {
                secret = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)
            } catch {
                throw table.error("secret_file", "cannot read \(file) (\(DeskConfiguration.reason(error)))")
            }
        }
        guard let secret, secret.utf8.count >= 16 else {
            throw table.error(
                "secret", "every receiver needs a secret (or secret_file) of at least 16 bytes to sign its deliveries")
        }
        let timeout = try table.integer("timeout_seconds", in: 1...120) ?? 10
        try table.rejectUnknownKeys()
        return Receiver(name: name, url: url, secret: secret, timeout: TimeInterval(timeout), insecure: insecure)
    }

    /// `localhost`, `127.0.0.0/8` or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// `1d`, `7d`, `12h`, `30m`.
    static func offset(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let value = Int(text.dropLast()), value > 0 else { return nil }
        switch unit {
        case "d": return TimeInterval(value * 86_400)
        case "h": return TimeInterval(value * 3600)
        case "m": return TimeInterval(value * 60)
        default: return nil
        }
    }
}
