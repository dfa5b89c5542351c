/// What a timeline event records. A struct rather than an enum so stored kinds from newer
/// versions still read back.
public struct EventKind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Creates a kind from its dotted name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A report was stored.
    public static let reportReceived = EventKind(rawValue: "report.received")
    /// A report opened a new incident.
    public static let incidentOpened = EventKind(rawValue: "incident.opened")
    /// A report joined an open incident about the same event.
    public static let reportJoined = EventKind(rawValue: "incident.report_joined")
    /// A duty officer confirmed (or corrected) the classification.
    public static let classificationConfirmed = EventKind(rawValue: "incident.classification_confirmed")
    /// A wrongly joined report was split off into an incident of its own.
    public static let incidentSplit = EventKind(rawValue: "incident.split")
    /// The incident moved to another phase.
    public static let phaseChanged = EventKind(rawValue: "incident.phase_changed")
    /// Someone added a note.
    public static let noteAdded = EventKind(rawValue: "note.added")
    /// The incident was closed with an outcome.
    public static let incidentClosed = EventKind(rawValue: "incident.closed")
    /// A closed incident was opened again.
    public static let incidentReopened = EventKind(rawValue: "incident.reopened")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
