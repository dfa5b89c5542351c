import ArgumentParser
import DeskAPIModels
import DeskClient
import DeskCore
import Foundation

/// `deskctl console …`: sign a browser in to the web duty console; list and end its sessions.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console", abstract: "The web duty console: a sign-in URL (the default), and its sessions.",
        subcommands: [ConsoleSignIn.self, ConsoleSessionList.self, ConsoleSessionEnd.self],
        defaultSubcommand: ConsoleSignIn.self)
}

/// `deskctl console [sign-in]`: a one-time sign-in URL for the web duty console.
struct ConsoleSignIn: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-in",
        abstract: "Print a one-time URL that signs a browser in to the duty console as you.",
        discussion: """
            Asks deskd over its Unix socket, so your local user's role (and responder binding) \
            applies. Open the URL within a few minutes; it works once. The code is in the URL's \
            fragment (#code=…), which the browser never sends to a server: the console page reads \
            it, removes it from the address bar and sends it to deskd itself, so a link preview \
            or a proxy log never sees it. The browser keeps a session cookie until it signs out, \
            an admin ends the session, or it expires.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    /// The request body: nothing to say.
    private struct Empty: Encodable {}

    func execute(_ client: DeskClient) async throws {
        let code: ConsoleCodeBody = try await client.postOnce("/v1/console/codes", body: Empty())
        if connection.json { return try printJSON(code) }
        Output.line(code.url)
        Output.line(
            "Signs in as \(code.actor) (\(code.role)); works once, until \(Timestamp.format(code.expiresAt)).")
    }
}

/// `deskctl console sessions`
struct ConsoleSessionList: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "List the console's signed-in browsers (admins; never their secrets).")

    @OptionGroup var connection: ConnectionOptions

    func execute(_ client: DeskClient) async throws {
        let body: ItemsBody<ConsoleSessionBody> = try await client.get("/v1/console/sessions")
        if connection.json { return try printJSON(body) }
        var table = Table("ID", "ACTOR", "ROLE", "BY", "SINCE", "EXPIRES")
        for session in body.items {
            table.add(
                session.id, session.actor, session.role, session.method, Describe.time(session.createdAt),
                Describe.time(session.expiresAt))
        }
        Output.line(table.render())
    }
}

/// `deskctl console end ID`
struct ConsoleSessionEnd: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "end", abstract: "End a console session at once (admins).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The session's id (from deskctl console sessions).")
    var id: String

    func execute(_ client: DeskClient) async throws {
        let ended: ConsoleSessionBody = try await client.delete("/v1/console/sessions/\(id.pathEscaped)")
        if connection.json { return try printJSON(ended) }
        Output.line("Session \(ended.id) of \(ended.actor) ended")
    }
}
