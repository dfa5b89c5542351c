import DeskCore
import Foundation

/// `GET /v1/stats/{incidents,callouts,followups}`: one kind of figures over whole ISO weeks in the
/// desk's time zone, a row per group of the breakdown (`by`), each week of every series present.
public struct StatsBody<Item: StatsItemBody>: Codable, Sendable {
    /// The kind: `incidents`, `callouts` or `followups`.
    public var figures: String
    /// The period as asked (`12w`, `90d`).
    public var since: String
    /// The breakdown, in order (`week`, `area`, `phase`).
    public var by: [String]
    /// The time zone the weeks are in.
    public var timeZone: String
    /// The weeks covered, oldest first.
    public var weeks: [StatsWeekBody]
    /// One row per group.
    public var items: [Item]

    enum CodingKeys: String, CodingKey {
        case figures, since, by, weeks, items
        case timeZone = "time_zone"
    }

    /// The body of a table.
    public init<Figures>(figures: String, _ table: StatsTable<Figures>, items: [Item]) {
        self.figures = figures
        since = table.period.description
        by = table.dimensions.map(\.rawValue)
        timeZone = table.timeZone
        weeks = table.weeks.map(StatsWeekBody.init)
        self.items = items
    }

    /// The table as CSV (RFC 4180, CRLF line ends): a header, then one line per row; the
    /// breakdown's columns first, then the figures.
    public var csv: String {
        let keys = by
        var lines = [(keys + Item.figureColumns).joined(separator: ",")]
        for item in items {
            let key = keys.map { name -> String in
                switch name {
                case "week": return item.week ?? ""
                case "area": return item.area ?? ""
                default: return item.phase ?? ""
                }
            }
            lines.append((key + item.figureCells).map(CSVField.escape).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// An ISO week: its label and its bounds.
public struct StatsWeekBody: Codable, Sendable, Hashable {
    /// `2026-W49`.
    public var week: String
    /// Monday 00:00 local time.
    public var starts: Date
    /// The next Monday 00:00 (not part of the week).
    public var ends: Date

    /// The body of a week.
    public init(_ week: StatsWeek) {
        self.week = week.label
        starts = week.starts
        ends = week.ends
    }
}

/// A row of one kind of figures, as the API, its CSV and `deskctl stats` show it: the group's
/// key (nil parts not in the breakdown) and the figures, named once for every form.
public protocol StatsItemBody: Codable, Sendable {
    /// The week's label, when broken down by week.
    var week: String? { get }
    /// The area's id, when broken down by area.
    var area: String? { get }
    /// The phase, when broken down by phase.
    var phase: String? { get }
    /// The figures' names, as in the JSON (`incidents`, `unstaffed`).
    static var figureColumns: [String] { get }
    /// The figures as text, in the order of `figureColumns` (empty for none).
    var figureCells: [String] { get }
}

/// Incidents opened in a group.
public struct IncidentStatsItem: StatsItemBody, Hashable {
    public var week: String?
    public var area: String?
    public var phase: String?
    public var incidents: Int
    public var unstaffed: Int

    public static let figureColumns = ["incidents", "unstaffed"]
    public var figureCells: [String] { [String(incidents), String(unstaffed)] }

    /// The body of a row.
    public init(_ figures: IncidentFigures) {
        (week, area, phase) = (figures.key.week, figures.key.area, figures.key.phase?.rawValue)
        incidents = figures.incidents
        unstaffed = figures.unstaffed
    }
}

/// Call-outs made in a group and how fast they were acknowledged (seconds).
public struct CallOutStatsItem: StatsItemBody, Hashable {
    public var week: String?
    public var area: String?
    public var phase: String?
    public var callouts: Int
    public var acknowledged: Int
    public var declined: Int
    public var escalated: Int
    public var expired: Int
    public var waiting: Int
    /// `escalated / callouts`, nil without call-outs.
    public var escalatedShare: Double?
    /// Seconds from call-out to acknowledgement, the median; nil without an acknowledgement.
    public var answerMedianSeconds: Double?
    /// Seconds from call-out to acknowledgement, the 90th percentile.
    public var answerP90Seconds: Double?

    enum CodingKeys: String, CodingKey {
        case week, area, phase, callouts, acknowledged, declined, escalated, expired, waiting
        case escalatedShare = "escalated_share"
        case answerMedianSeconds = "answer_median_seconds"
        case answerP90Seconds = "answer_p90_seconds"
    }

    public static let figureColumns = [
        "callouts", "acknowledged", "declined", "escalated", "expired", "waiting", "escalated_share",
        "answer_median_seconds", "answer_p90_seconds",
    ]
    public var figureCells: [String] {
        [callouts, acknowledged, declined, escalated, expired, waiting].map(String.init)
            + [escalatedShare, answerMedianSeconds, answerP90Seconds].map(CSVField.number)
    }

    /// The body of a row.
    public init(_ figures: CallOutFigures) {
        (week, area, phase) = (figures.key.week, figures.key.area, figures.key.phase?.rawValue)
        callouts = figures.callOuts
        acknowledged = figures.acknowledged
        declined = figures.declined
        escalated = figures.escalated
        expired = figures.expired
        waiting = figures.waiting
        escalatedShare = figures.escalatedShare
        answerMedianSeconds = figures.answerMedian
        answerP90Seconds = figures.answerP90
    }
}

/// Follow-ups due in a group.
public struct FollowUpStatsItem: StatsItemBody, Hashable {
    public var week: String?
    public var area: String?
    public var phase: String?
    public var due: Int
    public var doneOnTime: Int
    public var doneLate: Int
    public var overdue: Int
    public var pending: Int

    enum CodingKeys: String, CodingKey {
        case week, area, phase, due, overdue, pending
        case doneOnTime = "done_on_time"
        case doneLate = "done_late"
    }

    public static let figureColumns = ["due", "done_on_time", "done_late", "overdue", "pending"]
    public var figureCells: [String] { [due, doneOnTime, doneLate, overdue, pending].map(String.init) }

    /// The body of a row.
    public init(_ figures: FollowUpFigures) {
        (week, area, phase) = (figures.key.week, figures.key.area, figures.key.phase?.rawValue)
        due = figures.due
        doneOnTime = figures.doneOnTime
        doneLate = figures.doneLate
        overdue = figures.overdue
        pending = figures.pending
    }
}

/// CSV cells.
enum CSVField {
    /// A field quoted when it holds a comma, a quote or a line break (RFC 4180).
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A number with at most three decimals and no trailing zeros (`90`, `204.5`, `0.571`); empty for nil.
    static func number(_ value: Double?) -> String {
        guard let value else { return "" }
        let rounded = (value * 1000).rounded() / 1000
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var text = String(format: "%.3f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
