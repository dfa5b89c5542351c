import ArgumentParser
import DeskClient
import Foundation

/// How to reach deskd, and how to print; shared by every command.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("deskd's Unix socket.", valueName: "path"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("deskd's HTTP address, e.g. http://127.0.0.1:8440.", valueName: "url"))
    var url: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "API token for --url (default: $DESKCTL_TOKEN, or the file $DESKCTL_TOKEN_FILE).", valueName: "token"))
    var token: String?

    @Flag(name: .long, help: "Print the API's JSON instead of tables.")
    var json = false

    func validate() throws {
        if socket != nil && url != nil { throw ValidationError("give either --socket or --url, not both") }
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--url must start with http:// or https:// (got \(url))")
        }
    }

    /// Flags first, then `DESKCTL_URL` / `DESKCTL_SOCKET`, then the installed socket.
    var endpoint: DeskEndpoint {
        let environment = ProcessInfo.processInfo.environment
        if let url { return .url(url) }
        if let socket { return .unixSocket(socket) }
        if let url = environment["DESKCTL_URL"], !url.isEmpty { return .url(url) }
        if let socket = environment["DESKCTL_SOCKET"], !socket.isEmpty { return .unixSocket(socket) }
        return .unixSocket(DeskEndpoint.installedSocket)
    }

    /// `--token`, then `DESKCTL_TOKEN`, then the contents of `DESKCTL_TOKEN_FILE`.
    var resolvedToken: String? {
        let environment = ProcessInfo.processInfo.environment
        if let token { return token }
        if let token = environment["DESKCTL_TOKEN"], !token.isEmpty { return token }
        if let file = environment["DESKCTL_TOKEN_FILE"], let text = try? String(contentsOfFile: file, encoding: .utf8) {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return nil
    }

    var client: DeskClient { DeskClient(endpoint: endpoint, token: resolvedToken) }
}
