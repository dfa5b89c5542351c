/// Whether an incident still needs work.
public enum IncidentStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case open
    case closed
}
