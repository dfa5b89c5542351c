import ArgumentParser
import DeskAPIModels
import DeskClient
import DeskCore
import Foundation

/// `deskctl console`: a one-time sign-in URL for the web duty console.
struct ConsoleCommand: DeskCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Print a one-time URL that signs a browser in to the duty console as you.",
        discussion: """
            Asks deskd over its Unix socket, so your local user's role (and responder binding) \
            applies. Open the URL within a few minutes; it works once. The browser keeps a session \
            cookie until it signs out or the session expires.
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
