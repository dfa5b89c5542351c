import DeskCore
import Foundation

/// `[[receiver]] kind = "sms"`: the SMS gateway account call-outs are texted through and whose
/// inbound texts the desk takes at `POST /v1/sms/{provider}`.
public struct SMSReceiver: Sendable, Hashable {
    public var name: String
    public var provider: SMSProvider
    /// The provider's base URL (`https://api.46elks.com`, `https://api.twilio.com`).
    public var url: URL
    /// 46elks API username, or Twilio Account SID.
    public var username: String
    /// 46elks API password, or Twilio auth token (which also signs Twilio's inbound requests).
    public var password: String
    /// Sender name (1-11 letters and digits) or number.
    public var from: String
    /// 46elks: the password of basic auth (user `46elks`) on inbound posts; nil refuses them all.
    public var inboundPassword: String?
    /// Addresses inbound posts may come from (exact IPs); empty allows any.
    public var allowedSources: [String]
    /// The public URL of the inbound endpoint as the provider calls it (Twilio signs it); nil uses
    /// the request's own `Host` and path.
    public var inboundURL: String?
    /// How long one attempt may take.
    public var timeout: TimeInterval
    /// How many inbound texts from one number (a responder's or not) are taken in a rolling hour;
    /// the rest are dropped, so that a phone stuck in a loop cannot flood the desk.
    public var textsPerNumberPerHour: Int

    /// The inbound path, `/v1/sms/46elks` or `/v1/sms/twilio`.
    public var inboundPath: String { "/v1/sms/\(provider.rawValue)" }

    static let keys = [
        "name", "kind", "provider", "url", "username", "password", "password_file", "from", "inbound_password",
        "inbound_password_file", "allowed_sources", "inbound_url", "timeout_seconds", "insecure",
        "texts_per_number_per_hour",
    ]

    static func parse(_ table: inout ConfigTable, name: String) throws(ConfigError) -> SMSReceiver {
        let providerText = try table.string("provider") ?? ""
        guard let provider = SMSProvider(rawValue: providerText) else {
            throw table.error(
                "provider", "an SMS receiver needs provider = one of \(SMSProvider.names) (got \"\(providerText)\")")
        }
        let defaultURL = provider == .elks46 ? "https://api.46elks.com" : "https://api.twilio.com"
        let text = try table.string("url") ?? defaultURL
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), let host = url.host else {
            throw table.error("url", "must be the provider's http:// or https:// base URL (e.g. \(defaultURL))")
        }
        let insecure = try table.boolean("insecure") ?? false
        if url.scheme == "http", !insecure, !DutyConfiguration.isLoopback(host) {
            throw table.error(
                "url",
                "\"\(text)\" would send phone numbers, texts and the gateway password unencrypted; use https://, "
                    + "a loopback address (127.0.0.1, ::1, localhost), or set insecure = true for this receiver")
        }
        guard let username = try table.string("username"), !username.isEmpty else {
            throw table.error(
                "username",
                "an SMS receiver needs username = the \(provider == .elks46 ? "46elks API username" : "Twilio Account SID")"
            )
        }
        guard let password = try secret(&table, "password"), !password.isEmpty else {
            throw table.error(
                "password",
                "an SMS receiver needs password (or password_file) = the "
                    + (provider == .elks46 ? "46elks API password" : "Twilio auth token"))
        }
        let from = try table.string("from") ?? ""
        guard isSender(from) else {
            throw table.error(
                "from", "must be a sender name of 1-11 letters and digits (e.g. \"RodaKorset\") or a number (+46…)")
        }
        let inbound = try secret(&table, "inbound_password")
        if let inbound, inbound.utf8.count < 16 {
            throw table.error("inbound_password", "must be at least 16 bytes: it is all that guards inbound texts")
        }
        if inbound != nil, provider == .twilio {
            throw table.error(
                "inbound_password", "Twilio signs inbound requests with the auth token (password); remove this key")
        }
        let sources = try table.strings("allowed_sources") ?? []
        let inboundURL = try table.string("inbound_url")
        if let inboundURL, URL(string: inboundURL)?.scheme == nil {
            throw table.error(
                "inbound_url", "must be the full URL the provider calls (https://…/v1/sms/\(provider.rawValue))")
        }
        let timeout = try table.integer("timeout_seconds", in: 1...120) ?? 10
        let perHour = try table.integer("texts_per_number_per_hour", in: 1...3600) ?? 30
        try table.rejectUnknownKeys(known: keys)
        return SMSReceiver(
            name: name, provider: provider, url: url, username: username, password: password, from: from,
            inboundPassword: inbound, allowedSources: sources, inboundURL: inboundURL, timeout: TimeInterval(timeout),
            textsPerNumberPerHour: perHour)
    }

    /// `key` or the trimmed contents of `key_file`.
    static func secret(_ table: inout ConfigTable, _ key: String) throws(ConfigError) -> String? {
        var value = try table.string(key)
        if let file = try table.string(key + "_file") {
            do {
                value = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)
            } catch {
                throw table.error(key + "_file", "cannot read \(file) (\(DeskConfiguration.reason(error)))")
            }
        }
        return value
    }

    /// An alphanumeric sender (1-11 ASCII letters and digits, at least one letter) or a number.
    static func isSender(_ text: String) -> Bool {
        if PhoneNumber(text) != nil { return true }
        return (1...11).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            && text.contains(where: \.isLetter)
    }
}
