/// How a request reached the desk.
public enum Transport: String, Sendable, Codable, Hashable {
    case tcp
    case unix
    /// Written by the daemon itself (seed data, timers).
    case internalSource = "internal"
    /// A text through an SMS gateway (`POST /v1/sms/46elks`, `/v1/sms/twilio`): a report by text.
    case sms
}
