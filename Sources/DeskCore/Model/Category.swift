/// What kind of event an incident is about.
public enum Category: String, Sendable, Codable, CaseIterable, Hashable {
    case shooting
    case stabbing
    case violence
    case riot
    case fire
    case explosion
    case flood
    case storm
    case powerOutage = "power_outage"
    case gasLeak = "gas_leak"
    case traffic
    case threat
    case rumour
    case grief
    case preparedness
    case other
}
