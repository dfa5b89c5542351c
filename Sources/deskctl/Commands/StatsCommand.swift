import ArgumentParser
import DeskAPIModels
import DeskClient

/// `deskctl stats [incidents|callouts|followups]`: the trends the console's Trends page draws, as
/// tables, the API's JSON (`--json`) or CSV (`--csv`, the same text as `GET /v1/stats/…?format=csv`).
struct StatsCommand: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Incidents, call-outs and follow-ups per week, area and phase.",
        discussion: """
            Whole ISO weeks in the desk's time zone, ending with the current one. A responder counts \
            the areas they cover. Without a kind, all three tables.
            """)

    /// Which figures.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case incidents
        case callouts
        case followups
    }

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "incidents, callouts or followups (default: all three).")
    var kind: Kind?

    @Option(help: ArgumentHelp("The breakdown: week, area, phase, or several joined by commas.", valueName: "list"))
    var by = "week"

    @Option(help: ArgumentHelp("How far back: days (90d) or weeks (12w).", valueName: "period"))
    var since = "12w"

    @Flag(help: "Print CSV (a header line, then one line per row).")
    var csv = false

    func validate() throws {
        if csv && connection.json { throw ValidationError("give either --json or --csv, not both") }
        if csv && kind == nil { throw ValidationError("--csv prints one table: name incidents, callouts or followups") }
    }

    func execute(_ client: DeskClient) async throws {
        let kinds = kind.map { [$0] } ?? Kind.allCases
        var bodies: [String: any Encodable] = [:]
        for (index, kind) in kinds.enumerated() {
            let query = [("by", Optional(by)), ("since", Optional(since))]
            let path = "/v1/stats/\(kind.rawValue)"
            switch kind {
            case .incidents:
                let body: StatsBody<IncidentStatsItem> = try await client.get(path, query: query)
                bodies[kind.rawValue] = body
                if !connection.json { show(body, title: "Incidents opened", first: index == 0) }
            case .callouts:
                let body: StatsBody<CallOutStatsItem> = try await client.get(path, query: query)
                bodies[kind.rawValue] = body
                if !connection.json { show(body, title: "Call-outs (answer times in seconds)", first: index == 0) }
            case .followups:
                let body: StatsBody<FollowUpStatsItem> = try await client.get(path, query: query)
                bodies[kind.rawValue] = body
                if !connection.json { show(body, title: "Follow-ups by due week", first: index == 0) }
            }
        }
        guard connection.json else { return }
        if let kind, let body = bodies[kind.rawValue] {
            try printJSON(body)
        } else {
            try printJSON(StatsBundle(bodies: bodies))
        }
    }

    private func show<Item>(_ body: StatsBody<Item>, title: String, first: Bool) {
        if csv { return Output.line(String(body.csv.replacingOccurrences(of: "\r\n", with: "\n").dropLast())) }
        if kind == nil {
            if !first { Output.line() }
            Output.line("\(title), \(body.since) to this week (\(body.timeZone)):")
        }
        var table = Table(
            headers: body.by.map { $0.uppercased() }
                + Item.figureColumns.map { $0.uppercased().replacingOccurrences(of: "_", with: " ") })
        for item in body.items {
            let key = body.by.map { name -> String in
                switch name {
                case "week": return item.week ?? "-"
                case "area": return item.area ?? "-"
                default: return item.phase ?? "-"
                }
            }
            table.rows.append(key + item.figureCells.map { $0.isEmpty ? "-" : $0 })
        }
        Output.line(body.items.isEmpty ? "Nothing counted." : table.render())
    }
}

/// The three kinds at once, for `deskctl stats --json`.
private struct StatsBundle: Encodable {
    let bodies: [String: any Encodable]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, body) in bodies { try container.encode(body, forKey: Key(name)) }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
