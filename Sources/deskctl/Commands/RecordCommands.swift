import ArgumentParser
import DeskAPIModels
import DeskClient
import DeskCore
import Foundation

/// `deskctl purge [--dry-run]`
struct PurgeCommand: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Erase the free text and contacts of incidents closed longer ago than the retention policy allows.",
        discussion: """
            deskd also does this every hour by itself when [retention] closed_incident_days is set. \
            Classification, counts and the timeline's structure stay; the timeline still verifies.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Only say what would be erased.")
    var dryRun = false

    func execute(_ client: DeskClient) async throws {
        let summary: PurgeSummary = try await client.post("/v1/purge", body: PurgeRequest(dryRun: dryRun))
        if connection.json { return try printJSON(summary) }
        let verb = summary.dryRun ? "Would erase" : "Erased"
        Output.line(
            "\(verb) the text of \(summary.incidents.count) incidents closed before \(Describe.time(summary.cutoff)): "
                + "\(summary.reports) reports, \(summary.events) timeline events, \(summary.callOuts) call-out reasons, "
                + "\(summary.followUps) follow-up outcomes")
        for id in summary.incidents { Output.line("  \(id)") }
        guard !summary.failed.isEmpty else { return }
        // The others were erased; these are tried again by the next purge.
        Output.line("Could not erase \(summary.failed.count) incidents (the next purge tries again):")
        for failure in summary.failed { Output.line("  \(failure.incident): \(failure.reason)") }
        throw ExitCode(1)
    }
}

/// `deskctl incident export ID`
struct IncidentExport: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print one incident's whole record as JSON: reports, timeline, call-outs, follow-ups.",
        discussion: "For a subject access request or an after-action review.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The incident's id.")
    var id: String

    func execute(_ client: DeskClient) async throws {
        let record: IncidentExportBody = try await client.get("/v1/incidents/\(id.pathEscaped)/export")
        try printJSON(record)
    }
}
