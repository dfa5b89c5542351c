import DeskCore
import Foundation

/// An SMS gateway account texts are sent through: the provider's API, where it is, and the
/// credentials it takes with HTTP basic auth.
public struct SMSGateway: Sendable, Hashable {
    /// The receiver's name (the outbox's `receiver`).
    public var name: String
    public var provider: SMSProvider
    /// The provider's base URL, e.g. `https://api.46elks.com` or `https://api.twilio.com`.
    public var url: URL
    /// 46elks API username, or Twilio Account SID.
    public var username: String
    /// 46elks API password, or Twilio auth token.
    public var password: String
    /// The sender name (at most 11 letters and digits) or number texts come from.
    public var from: String
    /// How long one attempt may take.
    public var timeout: TimeInterval

    /// Creates a gateway account.
    public init(
        name: String, provider: SMSProvider, url: URL, username: String, password: String, from: String,
        timeout: TimeInterval = 10
    ) {
        self.name = name
        self.provider = provider
        self.url = url
        self.username = username
        self.password = password
        self.from = from
        self.timeout = timeout
    }

    /// The send endpoint, under the base URL's path.
    ///
    /// Example: `https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json`.
    public var sendURL: String {
        let base = url.absoluteString.hasSuffix("/") ? String(url.absoluteString.dropLast()) : url.absoluteString
        switch provider {
        case .elks46: return base + "/a1/sms"
        case .twilio: return base + "/2010-04-01/Accounts/" + FormEncoding.escape(username) + "/Messages.json"
        }
    }

    /// The form body sending `message` to `to`, with the provider's field names.
    public func form(to: String, message: String) -> String {
        switch provider {
        case .elks46: return FormEncoding.encode([("from", from), ("to", to), ("message", message)])
        case .twilio: return FormEncoding.encode([("From", from), ("To", to), ("Body", message)])
        }
    }

    /// The `Authorization` header's value: basic auth with the username and password.
    public var authorization: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// The gateway's message id in its JSON answer (`id` for 46elks, `sid` for Twilio), if any.
    public func messageID(in body: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        switch provider {
        case .elks46: return object["id"] as? String
        case .twilio: return object["sid"] as? String
        }
    }
}
