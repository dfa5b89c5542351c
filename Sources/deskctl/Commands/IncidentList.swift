import ArgumentParser
import DeskAPIModels
import DeskClient

/// `deskctl incident list`
struct IncidentList: CtlCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List incidents, newest first.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Only this area (id).")
    var area: String?

    @Option(help: "Only this phase: before, during, after or unclassified.")
    var phase: String?

    @Option(help: "Only this status: open or closed.")
    var status: String?

    @Option(help: ArgumentHelp("Only incidents opened at or after this RFC 3339 time.", valueName: "time"))
    var since: String?

    @Flag(help: "Only incidents whose classification awaits a duty officer's confirmation.")
    var needsReview = false

    @Option(
        help: ArgumentHelp(
            "Only incidents with a report in this language (ISO 639: sv, en, ar, fa, prs, so, ti, am, und).",
            valueName: "code"))
    var language: String?

    @Option(help: "How many (1-500).")
    var limit = 50

    @Option(help: "Continue from a previous listing's cursor.")
    var cursor: String?

    func execute(_ client: DeskClient) async throws {
        let page: PageBody<IncidentBody> = try await client.get(
            "/v1/incidents",
            query: [
                ("area", area), ("phase", phase), ("status", status), ("since", since),
                ("needs_review", needsReview ? "true" : nil), ("language", language), ("limit", String(limit)),
                ("cursor", cursor),
            ]
        )
        if connection.json { return try printJSON(page) }
        guard !page.items.isEmpty else { return Output.line("No incidents.") }
        // The language of each, and with --needs-review why it waits: whom it needs (a reader of Somali).
        var table = Table("ID", "OPENED (UTC)", "AREA", "PHASE", "LANG", "STATUS", "REPORTS", "TITLE")
        if needsReview {
            table = Table("ID", "OPENED (UTC)", "AREA", "PHASE", "LANG", "REVIEW", "STATUS", "REPORTS", "TITLE")
        }
        table.maxWidths = [table.headers.count - 1: 60]
        for incident in page.items {
            var cells = [
                incident.id, Describe.time(incident.openedAt), incident.area,
                incident.needsReview ? incident.phase + " (review)" : incident.phase,
                incident.languages.isEmpty ? "-" : incident.languages.joined(separator: ","),
            ]
            if needsReview { cells.append(incident.reviewReason ?? "low confidence") }
            cells += [incident.status, String(incident.reportCount), incident.title]
            table.rows.append(cells)
        }
        Output.line(table.render())
        if let next = page.nextCursor {
            Output.line()
            Output.line("More: deskctl incident list --cursor \(next)")
        }
    }
}
