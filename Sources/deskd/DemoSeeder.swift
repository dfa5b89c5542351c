import DeskConfig
import DeskCore

/// Loads demo reports through the desk's own use cases, as the `system` actor, so that demo
/// data passes the same rules and leaves the same timeline as real reports.
struct DemoSeeder {
    let desk: IncidentDesk

    /// Stores each report, its notes and, where given, closes its incident. Returns the count.
    func load(_ reports: [SeedFiles.DemoReport]) async throws -> Int {
        for demo in reports {
            let receipt = try await desk.submit(demo.submission, actor: .system, transport: .internalSource)
            let id = receipt.incident.id.rawValue
            for note in demo.notes ?? [] {
                _ = try await desk.addNote(to: id, text: note, actor: .system)
            }
            if let outcome = demo.closeOutcome {
                _ = try await desk.close(id, outcome: outcome, actor: .system)
            }
        }
        return reports.count
    }
}
