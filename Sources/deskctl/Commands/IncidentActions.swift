import ArgumentParser
import DeskAPIModels
import DeskClient

/// Prints the answer to a change of an incident.
private func show(_ change: IncidentChangeBody, json: Bool, command: some CtlCommand) throws {
    if json { return try command.printJSON(change) }
    let incident = change.incident
    Output.line("Incident \(incident.id): phase \(incident.phase), \(incident.status)")
    Output.line(Describe.timeline(change.events))
}

/// `deskctl incident note ID TEXT`
struct IncidentNote: CtlCommand {
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
struct IncidentPhase: CtlCommand {
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
struct IncidentClose: CtlCommand {
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
struct IncidentReopen: CtlCommand {
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

/// `deskctl incident confirm ID [--phase P] [--note N]`
struct IncidentConfirm: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Confirm an incident's classified phase (or correct it with --phase), ending its review."
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The incident id.") var id: String
    @Option(help: "The right phase, if the classifier got it wrong: before, during or after.") var phase: String?
    @Option(help: "A remark; recorded on the timeline.") var note: String?

    func execute(_ client: DeskClient) async throws {
        let change: IncidentChangeBody = try await client.post(
            "/v1/incidents/\(PathSegment.escape(id))/confirm", body: ConfirmRequest(phase: phase, note: note)
        )
        try show(change, json: connection.json, command: self)
    }
}

/// `deskctl incident split ID --report R --reason T`
struct IncidentSplit: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Move a wrongly joined report out of an incident into an incident of its own.",
        discussion: "The report ids are listed by: deskctl incident show ID"
    )

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The incident id.") var id: String
    @Option(help: "The id of the report to split off.") var report: String
    @Option(help: "Why; recorded on the timeline of both incidents.") var reason: String

    func execute(_ client: DeskClient) async throws {
        let split: SplitBody = try await client.post(
            "/v1/incidents/\(PathSegment.escape(id))/split", body: SplitRequest(reportID: report, reason: reason)
        )
        if connection.json { return try printJSON(split) }
        Output.line(
            "Split: report \(report) now forms incident \(split.newIncident.id) (phase \(split.newIncident.phase)); "
                + "incident \(split.incident.id) keeps \(split.incident.reportCount) report(s)")
        Output.line(Describe.timeline(split.events))
    }
}
