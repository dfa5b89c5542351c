/// The SMS gateways whose own APIs the desk speaks, outbound and inbound.
public enum SMSProvider: String, Sendable, Hashable, CaseIterable {
    /// 46elks: sends with `POST {url}/a1/sms` (form fields `from`, `to`, `message`; JSON answer with
    /// `id`); posts inbound texts as a form with `id`, `from`, `to`, `message`, `created`.
    case elks46 = "46elks"
    /// Twilio: sends with `POST {url}/2010-04-01/Accounts/{AccountSid}/Messages.json` (form fields
    /// `From`, `To`, `Body`; JSON answer with `sid`); posts inbound texts as a form with
    /// `MessageSid`, `From`, `To`, `Body`, …, signed in `X-Twilio-Signature`.
    case twilio

    /// `46elks, twilio`.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
