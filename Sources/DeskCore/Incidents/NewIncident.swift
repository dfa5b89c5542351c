/// A first report and the incident it opens, with their events: written together or not at all.
public struct NewIncident: Sendable, Hashable {
    public var incident: Incident
    public var report: Report
    public var events: [TimelineEvent]
    /// The client's idempotency key, stored with the report in the same transaction.
    public var claim: IdempotencyClaim?

    /// Decides what a validated report that joins no existing incident writes.
    public static func opening(
        with report: ValidatedReport, classification: Classification, transport: Transport, stamp: EventStamp
    ) -> NewIncident {
        let incidentID = stamp.ids.next()
        let stored = Report(
            id: stamp.ids.next(), incidentID: incidentID, areaID: report.area.id, receivedAt: stamp.at,
            occurredAt: report.occurredAt, title: report.title, text: report.text, location: report.location,
            reporter: report.reporter, injured: report.injured, ongoing: report.ongoing, category: report.category,
            phase: report.phase, actor: stamp.actor, transport: transport, classification: classification
        )
        let received = stamp.event(.reportReceived, incident: incidentID, data: stored.receivedEventData)
        var opening = opening(from: stored, title: report.derivedTitle, id: incidentID, stamp: stamp, data: [:])
        opening.events.insert(received, at: 0)
        return opening
    }

    /// An incident opened by an already stored report (`report` is re-linked to it), e.g. on a split.
    static func opening(
        from report: Report, title: String, id: DeskID, stamp: EventStamp, data extra: [String: JSONValue]
    ) -> NewIncident {
        let classification = report.classification
        let phase = classification?.phase ?? report.phase ?? .unclassified
        let category = report.category ?? classification?.category
        let incident = Incident(
            id: id, areaID: report.areaID, title: title, phase: phase, category: category,
            severity: classification?.severity, status: .open, openedAt: stamp.at, updatedAt: stamp.at,
            reportCount: 1, needsReview: classification?.needsReview ?? false, classification: classification,
            lastReportAt: report.receivedAt
        )
        var moved = report
        moved.incidentID = id
        var data: [String: JSONValue] = [
            "area": .string(report.areaID), "phase": .string(phase.rawValue),
            "phase_source": .string(classification?.decidedBy.rawValue ?? (report.phase == nil ? "none" : "reporter")),
            "category": .optional(category?.rawValue), "report_id": .string(report.id.rawValue),
            "needs_review": .bool(incident.needsReview),
            "classification": classification?.timelineData() ?? .null,
        ]
        data.merge(extra) { _, new in new }
        let opened = stamp.event(.incidentOpened, incident: id, data: data)
        return NewIncident(incident: incident, report: moved, events: [opened])
    }
}

extension Report {
    /// What the `report.received` event records of a report.
    var receivedEventData: [String: JSONValue] {
        [
            "report_id": .string(id.rawValue), "transport": .string(transport.rawValue),
            "injured": .optional(injured), "ongoing": .optional(ongoing), "phase": .optional(phase?.rawValue),
            "category": .optional(category?.rawValue),
            "classified_as": .optional(classification?.phase.rawValue),
            "confidence": classification.map { .double($0.confidence) } ?? .null,
        ]
    }

    /// A title for an incident this report opens: its own, else the start of its text.
    var derivedTitle: String {
        if let title, !title.isEmpty { return title }
        return ValidatedReport.title(from: text)
    }
}
