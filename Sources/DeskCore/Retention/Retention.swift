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

    /// The members of a webhook notice (at any depth) that hold free text or personal details: the
    /// incident's title, the responder's name and contact, reasons and outcomes, and a text's number
    /// and message.
    public static let erasedNoticeMembers: Set<String> = erasedEventMembers.union(["name", "contact", "to", "message"])

    /// What replaces erased text.
    public static let erased = "[erased]"
}

/// An incident a purge could not erase (it is tried again by the next purge), and why.
public struct PurgeFailure: Sendable, Hashable, Codable {
    public var incident: DeskID
    public var reason: String

    /// Creates a failure.
    public init(incident: DeskID, reason: String) {
        self.incident = incident
        self.reason = reason
    }
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
    /// Incidents whose erasure failed; the others were erased all the same.
    public var failed: [PurgeFailure] = []

    enum CodingKeys: String, CodingKey {
        case cutoff, incidents, reports, events, failed
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

    /// Decodes a summary; `failed` may be left out (an older deskd).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cutoff = try container.decode(Date.self, forKey: .cutoff)
        dryRun = try container.decode(Bool.self, forKey: .dryRun)
        incidents = try container.decode([DeskID].self, forKey: .incidents)
        reports = try container.decode(Int.self, forKey: .reports)
        events = try container.decode(Int.self, forKey: .events)
        callOuts = try container.decode(Int.self, forKey: .callOuts)
        followUps = try container.decode(Int.self, forKey: .followUps)
        failed = try container.decodeIfPresent([PurgeFailure].self, forKey: .failed) ?? []
    }
}
