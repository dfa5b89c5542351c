import ArgumentParser
import DeskAPIModels
import DeskClient

/// `deskctl incident timeline ID`
struct IncidentTimeline: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline", abstract: "Show everything that happened to an incident, oldest first."
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The incident id.")
    var id: String

    func execute(_ client: DeskClient) async throws {
        let events: [EventBody] = try await client.all("/v1/incidents/\(PathSegment.escape(id))/timeline")
        if connection.json { return try printJSON(PageBody(items: events, nextCursor: nil)) }
        Output.line(Describe.timeline(events))
    }
}
