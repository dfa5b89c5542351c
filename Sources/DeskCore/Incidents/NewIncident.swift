/// A first report and the incident it opens, with their events: written together or not at all.
public struct NewIncident: Sendable, Hashable {
    public var incident: Incident
    public var report: Report
    public var events: [TimelineEvent]

    /// Decides what a report with `fields` (validated and classified) that joins no existing
    /// incident writes.
    public static func opening(
        with fields: ReportFields, classification: Classification, stored: StoredClassification,
        transport: Transport, stamp: EventStamp
    ) -> NewIncident {
        let incidentID = stamp.ids.next()
        let report = Report(
            id: stamp.ids.next(), incidentID: incidentID, receivedAt: stamp.at, actor: stamp.actor,
            transport: transport, classification: stored, fields: fields)
        let received = stamp.event(
            .reportReceived, incident: incidentID, data: report.receivedEventData(classification))
        var opening = opening(
            from: report, classification: classification, title: fields.derivedTitle, id: incidentID, stamp: stamp,
            data: [:])
        opening.events.insert(received, at: 0)
        return opening
    }

    /// An incident opened by an already stored report (`report` is re-linked to it), e.g. on a split.
    static func opening(
        from report: Report, classification: Classification?, title: String, id: DeskID, stamp: EventStamp,
        data extra: [String: JSONValue]
    ) -> NewIncident {
        let phase = classification?.phase ?? report.phase ?? .unclassified
        let category = report.category ?? classification?.category
        let incident = Incident(
            id: id, areaID: report.areaID, title: title, phase: phase, category: category,
            severity: classification?.severity, status: .open, openedAt: stamp.at, updatedAt: stamp.at,
            reportCount: 1, needsReview: classification?.needsReview ?? false, classification: report.classification,
            lastReportAt: report.receivedAt, languages: IncidentLanguages.of([report])
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
    /// What the `report.received` event records of a report, classified as `classification`.
    func receivedEventData(_ classification: Classification?) -> [String: JSONValue] {
        [
            "report_id": .string(id.rawValue), "transport": .string(transport.rawValue),
            "injured": .optional(fields.injured), "ongoing": .optional(fields.ongoing),
            "phase": .optional(fields.phase?.rawValue), "category": .optional(fields.category?.rawValue),
            "classified_as": .optional(classification?.phase.rawValue),
            "confidence": classification.map { .double($0.confidence) } ?? .null,
            "language": .optional(classification?.language),
        ]
    }
}
