import DeskConfig
import DeskCore

/// Loads demo reports through the desk's own use cases, as the `system` actor, so that demo
/// data passes the same rules and leaves the same timeline as real reports.
struct DemoSeeder {
    let desk: Desk

    /// Stores each report, its notes and, where given, closes its incident. Returns the count.
    func load(_ reports: [SeedFiles.DemoReport]) async throws -> Int {
        for demo in reports {
            let receipt = try await desk.commands.run(try desk.intake.command(for: demo.fields), by: .desk)
            let id = receipt.incident.id.rawValue
            for note in demo.notes ?? [] {
                try await desk.commands.run(AddNote(incidentID: id, text: note), by: .desk)
            }
            if let outcome = demo.closeOutcome {
                try await desk.commands.run(CloseIncident(incidentID: id, outcome: outcome), by: .desk)
            }
        }
        return reports.count
    }
}
