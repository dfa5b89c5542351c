/// How a request reached the desk.
public enum Transport: String, Sendable, Codable, Hashable {
    case tcp
    case unix
    /// Written by the daemon itself (seed data, timers).
    case internalSource = "internal"
}
