import DeskCore
import Logging

/// Writes each stored timeline event to the log with journal fields ops can filter and alert
/// on: `DESK_INCIDENT`, `DESK_AREA`, `DESK_PHASE`, `DESK_CATEGORY`, `DESK_EVENT`,
/// `DESK_PRINCIPAL`, `DESK_LANGUAGE` (the report's language, ISO 639, on report lines), a fixed
/// `MESSAGE_ID` per kind, and a priority by weight: an acute
/// (`during`) incident is `warning`, routine work `info`/`notice`.
public struct IncidentEventLog: Sendable {
    let logger: Logger

    /// Creates the log.
    public init(logger: Logger) { self.logger = logger }

    /// Logs `events` about `incident`.
    public func record(_ events: [TimelineEvent], incident: Incident) {
        for event in events {
            guard let message = Self.message(for: event.kind) else { continue }
            var metadata: Logger.Metadata = [
                "MESSAGE_ID": "\(message.id)", "DESK_INCIDENT": "\(incident.id)", "DESK_AREA": "\(incident.areaID)",
                "DESK_PHASE": "\(incident.phase.rawValue)", "DESK_EVENT": "\(event.kind.rawValue)",
                "DESK_PRINCIPAL": "\(event.actor.rawValue)", "DESK_EVENT_SEQ": "\(event.sequence)",
            ]
            if let category = incident.category { metadata["DESK_CATEGORY"] = "\(category.rawValue)" }
            if let language = Self.language(of: event, incident: incident) { metadata["DESK_LANGUAGE"] = "\(language)" }
            logger.log(level: level(event, incident), "\(text(event, incident))", metadata: metadata)
        }
    }

    /// The language of the report an event is about: the received report's, or for an opened
    /// incident its classification's; nil for other events.
    static func language(of event: TimelineEvent, incident: Incident) -> String? {
        switch event.kind {
        case .reportReceived: return event.data["language"]?.stringValue ?? incident.classification?.language
        case .incidentOpened: return incident.classification?.language
        default: return nil
        }
    }

    private func level(_ event: TimelineEvent, _ incident: Incident) -> Logger.Level {
        switch event.kind {
        case .incidentOpened, .phaseChanged, .incidentReopened:
            return incident.phase == .during ? .warning : .notice
        case .reportJoined, .reportReceived:
            return incident.phase == .during ? .notice : .info
        default:
            return .info
        }
    }

    private func text(_ event: TimelineEvent, _ incident: Incident) -> String {
        let place = "in \(incident.areaID)"
        switch event.kind {
        case .reportReceived: return "report received for incident \(incident.id) \(place)"
        case .incidentOpened:
            let review = incident.needsReview ? ", needs review" : ""
            // Ids and structured fields only: the title is the start of a report's text (personal data).
            return "incident \(incident.id) opened \(place): \(incident.phase.rawValue)\(review)"
        case .reportJoined: return "report joined incident \(incident.id) \(place)"
        case .phaseChanged:
            let from = event.data["from"]?.stringValue ?? "?"
            return "incident \(incident.id) \(place) moved \(from) → \(incident.phase.rawValue)"
        case .classificationConfirmed:
            return "incident \(incident.id) \(place): classification confirmed as \(incident.phase.rawValue)"
        case .incidentSplit: return "incident \(incident.id) \(place): a report was split off"
        case .incidentClosed: return "incident \(incident.id) \(place) closed"
        case .incidentReopened: return "incident \(incident.id) \(place) reopened"
        case .noteAdded: return "note added to incident \(incident.id) \(place)"
        default: return "\(event.kind.rawValue) on incident \(incident.id)"
        }
    }

    /// The journal message of an incident event kind; nil for kinds this log does not write.
    public static func message(for kind: EventKind) -> JournalMessage? {
        switch kind {
        case .reportReceived: return .reportReceived
        case .incidentOpened: return .incidentOpened
        case .reportJoined: return .reportJoined
        case .phaseChanged: return .phaseChanged
        case .classificationConfirmed: return .classificationConfirmed
        case .incidentSplit: return .incidentSplit
        case .incidentClosed: return .incidentClosed
        case .incidentReopened: return .incidentReopened
        case .noteAdded: return .noteAdded
        default: return nil
        }
    }
}
