import ArgumentParser
import DeskClient
import DeskCore

/// `deskctl verify`: checks the timeline's hash chain.
struct VerifyCommand: DeskCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that the timeline is intact: no event edited, removed or reordered.",
        discussion: "Exit status 0 when intact, 2 when the chain is broken (the first broken link is printed)."
    )

    @OptionGroup var connection: ConnectionOptions

    func execute(_ client: DeskClient) async throws {
        let result: TimelineVerification = try await client.get("/v1/verify")
        if connection.json {
            try printJSON(result)
        } else if let broken = result.broken {
            Output.line(
                "Timeline BROKEN at event \(broken.sequence) (\(broken.eventID)): \(broken.reason); "
                    + "\(result.events) events before it verify")
        } else {
            Output.line("Timeline intact: \(result.events) events verify; head \(result.head)")
        }
        if !result.intact { throw ExitCode(2) }
    }
}
