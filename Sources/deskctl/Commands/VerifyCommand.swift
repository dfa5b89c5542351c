import ArgumentParser
import DeskClient
import DeskCore

/// `deskctl verify [--head SEQ:HASH]`: checks the timeline's hash chain.
struct VerifyCommand: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that the timeline is intact: no event edited, removed or reordered.",
        discussion: """
            Exit status 0 when intact, 2 when the chain is broken (the first broken link is printed) or the
            head given with --head is no longer on it. The chain alone cannot show that the newest events
            were removed: keep heads elsewhere (deskd writes one to the journal every 15 minutes and at
            shutdown, MESSAGE_ID=59518b4310094cfa8004d95809fa349a) and check one with --head.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "A chain head seen earlier, SEQ:HASH (`deskctl verify` prints one): check it is still on the chain.")
    var head: String?

    func validate() throws {
        if let head, ChainHead(head) == nil {
            throw ValidationError("--head must be SEQ:HASH, a sequence number and a 64-digit hex chain hash")
        }
    }

    func execute(_ client: DeskClient) async throws {
        let path = head.map { "/v1/verify?head=\($0)" } ?? "/v1/verify"
        let result: TimelineVerification = try await client.get(path)
        if connection.json {
            try printJSON(result)
        } else if let broken = result.broken {
            Output.line(
                "Timeline BROKEN at event \(broken.sequence) (\(broken.eventID)): \(broken.reason); "
                    + "\(result.events) events before it verify")
        } else {
            Output.line(
                "Timeline intact: \(result.events) events verify; head \(result.headSequence):\(result.head)")
        }
        if let anchor = result.anchor, !connection.json {
            if anchor.onChain {
                Output.line("The head \(anchor.head.sequence) is on the chain.")
            } else {
                Output.line("The head \(anchor.head.sequence) is not on the chain: \(anchor.reason ?? "unknown")")
            }
        }
        if !result.verified { throw ExitCode(2) }
    }
}
