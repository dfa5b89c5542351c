import Foundation

/// How long personal data of closed incidents is kept: free text (reports, notes, reasons,
/// outcomes) and reporters' names and contacts of incidents closed more than `closedIncidentDays`
/// ago are erased; classification, counts and the timeline's structure stay.
public struct RetentionPolicy: Sendable, Hashable {
    /// Nil: nothing is erased.
    public var closedIncidentDays: Int?

    /// Creates a policy.
    public init(closedIncidentDays: Int? = nil) { self.closedIncidentDays = closedIncidentDays }

    /// The members of an event's data that hold free text or contact details.
    public static let erasedEventMembers: Set<String> = [
        "text", "reason", "outcome", "note", "title", "location", "reporter", "reporter_name", "reporter_contact",
    ]

    /// What replaces erased text.
    public static let erased = "[erased]"
}

/// What a purge erased (or, on a dry run, would erase).
public struct PurgeSummary: Sendable, Hashable, Codable {
    public var cutoff: Date
    public var dryRun: Bool
    /// The incidents closed before `cutoff` whose text is erased.
    public var incidents: [DeskID]
    public var reports: Int
    /// Timeline events whose text is redacted.
    public var events: Int
    public var callOuts: Int
    public var followUps: Int

    enum CodingKeys: String, CodingKey {
        case cutoff, incidents, reports, events
        case dryRun = "dry_run"
        case callOuts = "callouts"
        case followUps = "followups"
    }

    /// Creates a summary.
    public init(
        cutoff: Date, dryRun: Bool, incidents: [DeskID], reports: Int, events: Int, callOuts: Int, followUps: Int
    ) {
        self.cutoff = cutoff
        self.dryRun = dryRun
        self.incidents = incidents
        self.reports = reports
        self.events = events
        self.callOuts = callOuts
        self.followUps = followUps
    }
}
