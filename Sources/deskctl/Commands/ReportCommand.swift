import ArgumentParser
import DeskAPIModels
import DeskClient
import DeskCore
import Foundation

/// `deskctl report`: report an incident.
struct ReportCommand: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report an incident.",
        discussion:
            "Example: deskctl report --area bredang --text \"Brand i trapphuset, pågår\" --phase during --ongoing"
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Area id or name, e.g. bredang or Bredäng (see: deskctl area list).")
    var area: String

    @Option(help: "What happened; '-' reads it from standard input.")
    var text: String

    @Option(help: "A short title (default: the first line of the text).")
    var title: String?

    @Option(help: ArgumentHelp("When it happened, RFC 3339 (e.g. 2026-11-22T14:05:00Z).", valueName: "time"))
    var occurredAt: String?

    @Option(help: "Where, e.g. an address or landmark.")
    var location: String?

    @Option(help: "The reporter's name.")
    var reporterName: String?

    @Option(help: "How to reach the reporter.")
    var reporterContact: String?

    @Option(help: "How many people are injured.")
    var injured: Int?

    @Flag(inversion: .prefixedNo, help: "Whether it is still going on.")
    var ongoing: Bool?

    @Option(help: "Category, e.g. fire, shooting, grief.")
    var category: DeskCore.Category?

    @Option(help: "Phase: before, during or after (default: left for classification).")
    var phase: Phase?

    func validate() throws {
        if let occurredAt, RFC3339.parse(occurredAt) == nil {
            throw ValidationError(
                "--occurred-at must be an RFC 3339 time such as 2026-11-22T14:05:00Z (got \(occurredAt))")
        }
    }

    func execute(_ client: DeskClient) async throws {
        let body = try StandardInput.text(or: text)
        let reporter =
            (reporterName == nil && reporterContact == nil)
            ? nil : ReporterBody(name: reporterName, contact: reporterContact)
        let request = ReportFieldsBody(
            area: area, text: body, title: title, occurredAt: occurredAt.flatMap(RFC3339.parse), location: location,
            reporter: reporter, injured: injured, ongoing: ongoing, category: category, phase: phase
        )
        // One key for this report: retries after a lost answer cannot store it twice.
        let created: ReportCreatedBody = try await client.postIdempotently("/v1/reports", body: request)
        if connection.json { return try printJSON(created) }
        let incident = created.incident
        let joined = created.timeline.contains { $0.kind == "incident.report_joined" }
        Output.line(
            "Reported: \(joined ? "joined" : "opened") incident \(incident.id) in \(incident.area), "
                + "phase \(incident.phase)\(incident.needsReview ? " (needs review)" : ""), \(incident.status)")
        if let classification = created.report.classification {
            Output.line("Classified: " + Describe.verdict(try classification.value))
        }
        Output.line()
        Output.line(Describe.timeline(created.timeline))
    }
}

extension DeskCore.Category: ExpressibleByArgument {}
extension Phase: ExpressibleByArgument {}
