import Foundation

/// When a new report counts as news about an open incident rather than a new event.
public struct CorrelationPolicy: Sendable, Hashable {
    /// How long after an incident's latest report a new report may still join it.
    public var window: TimeInterval
    /// Content words (stems) a report must share with the incident when the categories differ.
    public var minSharedWords: Int

    /// Creates a policy; a window of zero turns correlation off.
    public init(window: TimeInterval = 6 * 3600, minSharedWords: Int = 2) {
        self.window = window
        self.minSharedWords = minSharedWords
    }
}

/// An open incident that a new report might be about, with the texts of its latest reports.
public struct CorrelationCandidate: Sendable, Hashable {
    public var incident: Incident
    /// The texts of the incident's latest reports, at most `textsPerCandidate`: what the
    /// incident is about now (a flood of reports joining one incident does not slow matching).
    public var reportTexts: [String]

    /// How many of an incident's latest report texts correlation compares a new report with.
    public static let textsPerCandidate = 8

    /// How many candidates of one area a report is compared with: the most recently reported.
    public static let perArea = 20

    /// Creates a candidate.
    public init(incident: Incident, reportTexts: [String]) {
        self.incident = incident
        self.reportTexts = reportTexts
    }
}

/// Why a report joins an incident.
public struct CorrelationMatch: Sendable, Hashable {
    public var incident: Incident
    public var sameCategory: Bool
    /// Stems the report shares with the incident's reports, e.g. `brand`, `trapp`.
    public var sharedWords: [String]
    /// Minutes since the incident's latest report.
    public var minutesSinceLastReport: Int
    /// One sentence for the timeline.
    public var reason: String
}
