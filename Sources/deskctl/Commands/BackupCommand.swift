import ArgumentParser
import DeskAPIModels
import DeskClient
import DeskCore

/// `deskctl backup NAME`: a consistent online backup, taken by deskd while it serves.
struct BackupCommand: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Take a consistent backup of the desk's database while it serves.",
        discussion: """
            deskd writes backups/NAME.sqlite in its state directory (over the Unix socket only), then \
            checks the copy's integrity and timeline chain. See the README for restoring.
            """
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The backup's name: letters, digits, '.', '_' or '-', e.g. 2026-11-22-night.") var name: String

    func execute(_ client: DeskClient) async throws {
        let summary: BackupSummary = try await client.post("/v1/backups", body: BackupRequest(name: name))
        if connection.json { return try printJSON(summary) }
        Output.line(
            "Backup \(summary.path): \(summary.bytes) bytes, integrity \(summary.integrity), "
                + "timeline \(summary.timeline.intact ? "intact" : "BROKEN") (\(summary.timeline.events) events)")
    }
}
