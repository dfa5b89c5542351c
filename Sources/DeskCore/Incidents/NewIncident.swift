/// A first report and the incident it opens, with their events: written together or not at all.
public struct NewIncident: Sendable, Hashable {
    public var incident: Incident
    public var report: Report
    public var events: [TimelineEvent]

    /// Decides what a validated report that joins no existing incident writes.
    public static func opening(
        with report: ValidatedReport, transport: Transport, stamp: EventStamp
    ) -> NewIncident {
        let incidentID = stamp.ids.next()
        let reportID = stamp.ids.next()
        let phase = report.phase ?? .unclassified
        let incident = Incident(
            id: incidentID, areaID: report.area.id, title: report.derivedTitle, phase: phase,
            category: report.category, severity: nil, status: .open, openedAt: stamp.at, updatedAt: stamp.at,
            reportCount: 1
        )
        let stored = Report(
            id: reportID, incidentID: incidentID, areaID: report.area.id, receivedAt: stamp.at,
            occurredAt: report.occurredAt, title: report.title, text: report.text, location: report.location,
            reporter: report.reporter, injured: report.injured, ongoing: report.ongoing, category: report.category,
            phase: report.phase, actor: stamp.actor, transport: transport
        )
        let received = stamp.event(
            .reportReceived, incident: incidentID,
            data: [
                "report_id": .string(reportID.rawValue), "transport": .string(transport.rawValue),
                "injured": .optional(report.injured), "ongoing": .optional(report.ongoing),
                "phase": .optional(report.phase?.rawValue), "category": .optional(report.category?.rawValue),
            ]
        )
        let opened = stamp.event(
            .incidentOpened, incident: incidentID,
            data: [
                "area": .string(report.area.id), "phase": .string(phase.rawValue),
                "phase_source": .string(report.phase == nil ? "none" : "reporter"),
                "category": .optional(report.category?.rawValue), "report_id": .string(reportID.rawValue),
            ]
        )
        return NewIncident(incident: incident, report: stored, events: [received, opened])
    }
}
