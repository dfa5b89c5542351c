import ArgumentParser
import DeskAPIModels
import DeskClient

/// Prints the answer to a change of an incident.
private func show(_ change: IncidentChangeBody, json: Bool, command: some DeskCommand) throws {
    if json { return try command.printJSON(change) }
    let incident = change.incident
    Output.line("Incident \(incident.id): phase \(incident.phase), \(incident.status)")
    Output.line(Describe.timeline(change.events))
}

/// `deskctl incident note ID TEXT`
struct IncidentNote: DeskCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note to an incident.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The incident id.") var id: String
    @Argument(help: "The note.") var text: String

    func execute(_ client: DeskClient) async throws {
        let change: IncidentChangeBody = try await client.post(
            "/v1/incidents/\(PathSegment.escape(id))/notes", body: NoteRequest(text: text)
        )
        try show(change, json: connection.json, command: self)
    }
}

/// `deskctl incident phase ID PHASE --reason R`
struct IncidentPhase: DeskCommand {
    static let configuration = CommandConfiguration(
        commandName: "phase", abstract: "Move an incident to another phase (before, during, after)."
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The incident id.") var id: String
    @Argument(help: "before, during or after.") var phase: String
    @Option(help: "Why; recorded on the timeline.") var reason: String

    func execute(_ client: DeskClient) async throws {
        let change: IncidentChangeBody = try await client.post(
            "/v1/incidents/\(PathSegment.escape(id))/phase", body: PhaseChangeRequest(phase: phase, reason: reason)
        )
        try show(change, json: connection.json, command: self)
    }
}

/// `deskctl incident close ID --outcome O`
struct IncidentClose: DeskCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close an incident.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The incident id.") var id: String
    @Option(help: "How it ended; recorded on the timeline.") var outcome: String

    func execute(_ client: DeskClient) async throws {
        let change: IncidentChangeBody = try await client.post(
            "/v1/incidents/\(PathSegment.escape(id))/close", body: CloseRequest(outcome: outcome)
        )
        try show(change, json: connection.json, command: self)
    }
}

/// `deskctl incident reopen ID [--reason R]`
struct IncidentReopen: DeskCommand {
    static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Open a closed incident again.")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The incident id.") var id: String
    @Option(help: "Why; recorded on the timeline.") var reason: String?

    func execute(_ client: DeskClient) async throws {
        let change: IncidentChangeBody = try await client.post(
            "/v1/incidents/\(PathSegment.escape(id))/reopen", body: ReopenRequest(reason: reason)
        )
        try show(change, json: connection.json, command: self)
    }
}
