/// Splits a wrongly joined report off an incident into an incident of its own.
public struct SplitReport: DeskCommand {
    public static let policy = CommandPolicy.officers
    public let incidentID: String
    public let reportID: String
    public let reason: String

    /// Splits report `reportID` off `incidentID` because of `reason`.
    public init(incidentID: String, reportID: String, reason: String) {
        self.incidentID = incidentID
        self.reportID = reportID
        self.reason = reason
    }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> IncidentUpdate {
        let incident = try transaction.existingIncident(incidentID)
        guard let id = DeskID(reportID), let report = try transaction.report(id) else {
            throw DeskError.invalid([
                FieldIssue(
                    pointer: "/report_id", detail: "no report \"\(reportID.clipped(40))\" in incident \(incidentID)")
            ])
        }
        var update = try IncidentRules.split(
            incident, report: report, others: try transaction.reports(of: incident.id), reason: reason,
            limits: context.settings.limits, stamp: context.stamp)
        guard var splitOff = update.splitOff else { throw DeskError.unavailable("a split made no incident") }
        try transaction.update(update.incident, from: incident)
        try transaction.insert(splitOff.incident)
        guard try transaction.move(report: report.id, from: incident.id, to: splitOff.incident.id) else {
            throw DeskError.invalid([
                FieldIssue(pointer: "/report_id", detail: "report \(report.id) is no longer in incident \(incident.id)")
            ])
        }
        update.events = try transaction.append(update.events)
        splitOff.events = try transaction.append(splitOff.events)
        update.splitOff = splitOff
        return update
    }
}
