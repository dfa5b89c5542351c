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

    /// A responder was called out to an incident.
    public static let callOutCreated = EventKind(rawValue: "callout.created")
    /// A webhook receiver took the call-out.
    public static let callOutNotified = EventKind(rawValue: "callout.notified")
    /// The responder said yes.
    public static let callOutAcknowledged = EventKind(rawValue: "callout.acknowledged")
    /// The responder said no; the call-out escalated at once.
    public static let callOutDeclined = EventKind(rawValue: "callout.declined")
    /// Nobody answered in time; the next person was called.
    public static let callOutEscalated = EventKind(rawValue: "callout.escalated")
    /// Nobody answered in time and nobody was left to call.
    public static let callOutExpired = EventKind(rawValue: "callout.expired")
    /// No longer needed (the incident was closed).
    public static let callOutCancelled = EventKind(rawValue: "callout.cancelled")
    /// Nobody at all could be found for a role the incident needs.
    public static let incidentUnstaffed = EventKind(rawValue: "incident.unstaffed")
    /// A psychosocial check-in was scheduled.
    public static let followUpScheduled = EventKind(rawValue: "followup.scheduled")
    /// A check-in was done, with its outcome.
    public static let followUpCompleted = EventKind(rawValue: "followup.completed")
    /// An overdue check-in went to the coordinator.
    public static let followUpEscalated = EventKind(rawValue: "followup.escalated")
    /// A webhook receiver took a notification.
    public static let notificationDelivered = EventKind(rawValue: "notification.delivered")
    /// A delivery attempt failed (retried later, or given up).
    public static let notificationFailed = EventKind(rawValue: "notification.failed")
    /// A responder was added to the roster.
    public static let responderAdded = EventKind(rawValue: "responder.added")
    /// A responder's details changed.
    public static let responderUpdated = EventKind(rawValue: "responder.updated")
    /// Rotations, overrides and unavailability were replaced from a file.
    public static let rosterImported = EventKind(rawValue: "roster.imported")
    /// Someone took a shift with an override.
    public static let overrideAdded = EventKind(rawValue: "override.added")

    /// An API token was made.
    public static let tokenCreated = EventKind(rawValue: "token.created")
    /// An API token was revoked.
    public static let tokenRevoked = EventKind(rawValue: "token.revoked")

    /// A retention purge erased the text of closed incidents.
    public static let retentionPurged = EventKind(rawValue: "retention.purged")

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
