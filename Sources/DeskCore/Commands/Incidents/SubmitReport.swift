import Foundation

/// A report: joins the open incident it is about, or opens a new one. Made by `ReportIntake`,
/// which validates and classifies it before it reaches the writer.
public struct SubmitReport: DeskCommand {
    public static let policy = CommandPolicy.officers

    /// What the reporter said, validated.
    public let fields: ReportFields
    /// What the classifier made of it.
    public let classification: Classification
    /// The classification's canonical JSON, made once.
    let stored: StoredClassification
    /// The stems correlation compares, of the title and text.
    let stems: Set<String>
    /// Remembers candidates' stems between reports.
    let cache: StemCache

    /// Makes a command of validated, classified fields (see `ReportIntake`).
    init(fields: ReportFields, classification: Classification, stems: Set<String>, cache: StemCache) {
        self.fields = fields
        self.classification = classification
        self.stored = StoredClassification(classification)
        self.stems = stems
        self.cache = cache
    }

    public func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> ReportReceipt {
        let stamp = context.stamp
        let policy = context.settings.correlation
        if policy.window > 0 {
            let candidates = try transaction.correlationCandidates(
                area: fields.area, since: stamp.at.addingTimeInterval(-policy.window),
                limit: CorrelationCandidate.perArea)
            let correlator = Correlator(policy: policy, cache: cache)
            if let match = correlator.match(
                area: fields.area, stems: stems, category: fields.category ?? classification.category,
                candidates: candidates, now: stamp.at)
            {
                let update = try IncidentRules.join(
                    match.incident, fields: fields, classification: classification, stored: stored, match: match,
                    transport: context.transport, stamp: stamp)
                guard let report = update.addedReport else {
                    throw DeskError.unavailable("a join made no report")
                }
                try transaction.update(update.incident, from: match.incident)
                try transaction.insert(report)
                let events = try transaction.append(update.events)
                return ReportReceipt(incident: update.incident, report: report, events: events)
            }
        }
        let new = NewIncident.opening(
            with: fields, classification: classification, stored: stored, transport: context.transport, stamp: stamp)
        try transaction.insert(new.incident)
        try transaction.insert(new.report)
        let events = try transaction.append(new.events)
        return ReportReceipt(incident: new.incident, report: new.report, events: events)
    }
}

/// What storing a report produced.
public struct ReportReceipt: Sendable, Hashable {
    public var incident: Incident
    public var report: Report
    /// The events written, numbered, oldest first.
    public var events: [TimelineEvent]
}
