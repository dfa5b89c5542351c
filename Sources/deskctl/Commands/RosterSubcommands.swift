import ArgumentParser
import DeskAPIModels
import DeskClient
import DeskCore
import Foundation

/// `deskctl roster …`
struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster", abstract: "Who is on duty; import and export the roster.",
        subcommands: [RosterShow.self, RosterImport.self, RosterExport.self])
}

/// `deskctl roster show [--area] [--role] [--at]`
struct RosterShow: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Who is on duty now (or --at a time), per area and role, and the next hand-off.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Only this area (id or name).")
    var area: String?

    @Option(help: "Only this role: first_aid, psychosocial or coordinator.")
    var role: DutyRole?

    @Option(help: ArgumentHelp("At this RFC 3339 time instead of now.", valueName: "time"))
    var at: String?

    func validate() throws {
        if let at, RFC3339.parse(at) == nil {
            throw ValidationError("--at must be an RFC 3339 time such as 2026-11-22T14:05:00Z (got \(at))")
        }
    }

    func execute(_ client: DeskClient) async throws {
        let body: RosterSlotsBody = try await client.get(
            "/v1/roster", query: [("area", area), ("role", role?.rawValue), ("at", at)])
        if connection.json { return try printJSON(body) }
        var table = Table("AREA", "ROLE", "ON DUTY", "CONTACT", "UNTIL", "NEXT")
        for slot in body.slots {
            table.add(
                slot.area, slot.role, slot.onDuty.map { "\($0.name) (\($0.id))" } ?? "NOBODY",
                slot.onDuty?.contact ?? "-", slot.nextHandoff.map(Describe.time) ?? "-",
                slot.next.map { "\($0.name) (\($0.id))" } ?? "-")
        }
        Output.line("On duty at \(Describe.time(body.at)) (hand-offs in \(body.timeZone)):")
        Output.line(table.render())
    }
}

extension DutyRole: ExpressibleByArgument {}
extension CallOut.State: ExpressibleByArgument {}

/// `deskctl roster import FILE`
struct RosterImport: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Replace rotations, overrides and unavailability with a roster file's; add or update its responders.",
        discussion:
            "The file is JSON as `deskctl roster export` writes it. It is checked whole; nothing changes if any part is wrong."
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The roster file (JSON); - reads standard input.")
    var file: String

    func execute(_ client: DeskClient) async throws {
        let data: Data
        do {
            data =
                file == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            Output.error("Cannot read the roster: \(file): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let roster: Roster
        do {
            roster = try DeskJSON.decoder().decode(Roster.self, from: data)
        } catch {
            Output.error("Invalid roster file: \(file): \(error)")
            throw ExitCode(1)
        }
        let summary: RosterImportSummary = try await client.put("/v1/roster", body: roster)
        if connection.json { return try printJSON(summary) }
        Output.line(
            "Roster imported: \(summary.respondersAdded) responders added, \(summary.respondersUpdated) updated, "
                + "\(summary.rotations) rotations, \(summary.overrides) overrides, \(summary.unavailability) unavailability"
        )
    }
}

/// `deskctl roster export`
struct RosterExport: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print the whole roster as JSON (the format roster import takes).")

    @OptionGroup var connection: ConnectionOptions

    func execute(_ client: DeskClient) async throws {
        let roster: Roster = try await client.get("/v1/roster/export")
        try printJSON(roster)
    }
}

/// `deskctl responder …`
struct ResponderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "responder", abstract: "List, add and change responders.",
        subcommands: [ResponderList.self, ResponderAdd.self, ResponderUpdate.self])
}

/// `deskctl responder list`
struct ResponderList: CtlCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the responders.")

    @OptionGroup var connection: ConnectionOptions

    func execute(_ client: DeskClient) async throws {
        let body: ItemsBody<Responder> = try await client.get("/v1/responders")
        if connection.json { return try printJSON(body) }
        var table = Table("ID", "NAME", "ROLES", "AREAS", "CONTACT", "USER")
        for responder in body.items {
            table.add(
                responder.id, responder.active ? responder.name : "\(responder.name) (inactive)",
                responder.roles.map(\.rawValue).joined(separator: ","), responder.areas.joined(separator: ","),
                responder.contact, responder.unixUser ?? "-")
        }
        Output.line(table.render())
    }
}

/// `deskctl responder add ID --name --contact --role … --area …`
struct ResponderAdd: CtlCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a responder.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "A short id: lower-case letters, digits and '-', e.g. r-anna-lind.")
    var id: String

    @Option(help: "Display name.")
    var name: String

    @Option(help: "Phone number or address.")
    var contact: String

    @Option(name: .customLong("role"), help: "A role (repeat for several): first_aid, psychosocial, coordinator.")
    var roles: [DutyRole] = []

    @Option(name: .customLong("area"), help: "An area covered (repeat for several).")
    var areas: [String] = []

    @Option(help: "The local user who is this responder (deskctl's --mine).")
    var unixUser: String?

    func execute(_ client: DeskClient) async throws {
        let responder = Responder(
            id: id, name: name, contact: contact, roles: roles, areas: areas, unixUser: unixUser)
        let added: Responder = try await client.post("/v1/responders", body: responder)
        if connection.json { return try printJSON(added) }
        Output.line("Responder \(added.id) added: \(added.name)")
    }
}

/// `deskctl responder update ID [...]`
struct ResponderUpdate: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a responder; only the options given change.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The responder's id.")
    var id: String

    @Option(help: "Display name.")
    var name: String?

    @Option(help: "Phone number or address.")
    var contact: String?

    @Option(name: .customLong("role"), help: "Replace the roles (repeat for several).")
    var roles: [DutyRole] = []

    @Option(name: .customLong("area"), help: "Replace the areas (repeat for several).")
    var areas: [String] = []

    @Option(help: "Bind this local user; \"\" removes the binding.")
    var unixUser: String?

    @Flag(inversion: .prefixedNo, help: "Active (called out) or not.")
    var active: Bool?

    func execute(_ client: DeskClient) async throws {
        let patch = ResponderPatchRequest(
            ResponderPatch(
                name: name, contact: contact, roles: roles.isEmpty ? nil : roles, areas: areas.isEmpty ? nil : areas,
                unixUser: unixUser.map { user -> String? in user.isEmpty ? nil : user }, active: active))
        let updated: Responder = try await client.patch("/v1/responders/\(id.pathEscaped)", body: patch)
        if connection.json { return try printJSON(updated) }
        Output.line("Responder \(updated.id) updated")
    }
}

/// `deskctl override add --area --role --responder --from --until`
struct OverrideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "override", abstract: "Take a shift: put someone on duty ahead of the rotation.",
        subcommands: [OverrideAdd.self])
}

/// `deskctl override add`
struct OverrideAdd: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Put a responder on duty for a role in an area for a time window.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The area (id or name).")
    var area: String

    @Option(help: "first_aid, psychosocial or coordinator.")
    var role: DutyRole

    @Option(help: "The responder who takes the shift.")
    var responder: String

    @Option(help: ArgumentHelp("Start (RFC 3339); default now.", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("End (RFC 3339).", valueName: "time"))
    var until: String

    @Option(help: "Why, for the timeline.")
    var reason: String?

    func validate() throws {
        for (name, value) in [("--from", from), ("--until", until)] {
            if let value, RFC3339.parse(value) == nil {
                throw ValidationError("\(name) must be an RFC 3339 time such as 2026-11-22T14:05:00Z (got \(value))")
            }
        }
    }

    func execute(_ client: DeskClient) async throws {
        let request = OverrideRequest(
            area: area, role: role, responder: responder, starts: from.flatMap(RFC3339.parse) ?? Date(),
            ends: RFC3339.parse(until) ?? Date(), reason: reason)
        let override: RosterOverride = try await client.post("/v1/overrides", body: request)
        if connection.json { return try printJSON(override) }
        Output.line(
            "Override \(override.id): \(override.responder) on duty for \(override.role.rawValue) in \(override.area) "
                + "from \(Describe.time(override.starts)) until \(Describe.time(override.ends))")
    }
}

extension String {
    /// The string as one URL path segment.
    var pathEscaped: String {
        addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? self
    }
}
