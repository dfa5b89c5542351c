import ArgumentParser
import DeskAPIModels
import DeskClient

/// `deskctl area list`
struct AreaList: CtlCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the areas the desk serves.")

    @OptionGroup var connection: ConnectionOptions

    func execute(_ client: DeskClient) async throws {
        let areas: [AreaBody] = try await client.all("/v1/areas")
        if connection.json { return try printJSON(PageBody(items: areas, nextCursor: nil)) }
        var table = Table("ID", "NAME", "CITY", "NEIGHBOURS")
        for area in areas {
            table.add(
                area.id, area.active ? area.name : "\(area.name) (inactive)", area.city,
                area.neighbours.joined(separator: ", ")
            )
        }
        Output.line(table.render())
    }
}
