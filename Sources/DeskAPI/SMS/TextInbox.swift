import DeskCore
import Foundation
import Synchronization

/// What the inbound SMS endpoints know: each provider's credentials, the sources allowed to post,
/// how many texts one number may send an hour, how to answer a number no responder has (sent at
/// once, never stored), and the per-number limits on such numbers. Replaced whole on reload.
public final class TextInbox: Sendable, Hashable {
    /// One provider's inbound settings.
    public struct Gateway: Sendable, Hashable {
        public var provider: SMSProvider
        /// 46elks: the basic-auth password (user `46elks`); Twilio: the auth token that signs requests.
        public var secret: String
        /// Addresses allowed to post (exact IPs); empty allows any.
        public var allowedSources: [String]
        /// The URL the provider calls, as Twilio signs it; nil: `https://` + `Host` + path.
        public var publicURL: String?
        /// How many texts from one number are taken in a rolling hour; the rest are dropped.
        public var textsPerNumberPerHour: Int

        /// Creates settings for one provider.
        public init(
            provider: SMSProvider, secret: String, allowedSources: [String] = [], publicURL: String? = nil,
            textsPerNumberPerHour: Int = 30
        ) {
            self.provider = provider
            self.secret = secret
            self.allowedSources = allowedSources
            self.publicURL = publicURL
            self.textsPerNumberPerHour = textsPerNumberPerHour
        }
    }

    /// Sends one text at once, outside the outbox.
    public typealias Answer = @Sendable (_ to: PhoneNumber, _ message: String) async -> Void

    private let gateways: Mutex<[SMSProvider: Gateway]>
    let strangers: StrangerGate
    let senders: SenderLimit
    let answer: Answer

    /// Creates an inbox; without gateways both endpoints answer 404.
    public init(
        gateways: [Gateway] = [], clock: any WallClock = SystemWallClock(), answer: @escaping Answer = { _, _ in }
    ) {
        self.gateways = Mutex(Dictionary(gateways.map { ($0.provider, $0) }, uniquingKeysWith: { $1 }))
        self.strangers = StrangerGate(clock: clock)
        self.senders = SenderLimit(clock: clock)
        self.answer = answer
    }

    /// Uses reloaded settings for later requests.
    public func replace(_ gateways: [Gateway]) {
        self.gateways.withLock { $0 = Dictionary(gateways.map { ($0.provider, $0) }, uniquingKeysWith: { $1 }) }
    }

    func gateway(_ provider: SMSProvider) -> Gateway? { gateways.withLock { $0[provider] } }

    /// Texts from numbers no responder has, since start.
    public var unknownSenders: Int { strangers.count }

    public static func == (lhs: TextInbox, rhs: TextInbox) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
