import ArgumentParser
import DeskClient
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// How to reach deskd, and how to print; shared by every command.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("deskd's Unix socket.", valueName: "path"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("deskd's HTTP address, e.g. http://127.0.0.1:8440.", valueName: "url"))
    var url: String?

    @Option(
        name: .customLong("token-file"),
        help: ArgumentHelp(
            "A file holding the API token for --url, readable by its owner only (default: $DESKCTL_TOKEN_FILE, or "
                + "the token in $DESKCTL_TOKEN).", valueName: "path"))
    var tokenFile: String?

    /// Refused: a secret on the command line is visible to every local user (`ps -eo args`).
    @Option(name: .long, help: .hidden)
    var token: String?

    @Flag(name: .long, help: "Print the API's JSON instead of tables.")
    var json = false

    func validate() throws {
        if token != nil {
            throw ValidationError(
                "--token is not accepted: every local user can read a command line (ps); put the token in a file "
                    + "only you can read and give --token-file PATH (or set $DESKCTL_TOKEN_FILE or $DESKCTL_TOKEN)")
        }
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

    /// `--token-file`, then `DESKCTL_TOKEN`, then the file `DESKCTL_TOKEN_FILE`; nil when none is given.
    func resolvedToken() throws(TokenFileError) -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let tokenFile { return try TokenFileError.read(tokenFile) }
        if let token = environment["DESKCTL_TOKEN"], !token.isEmpty { return token }
        if let file = environment["DESKCTL_TOKEN_FILE"], !file.isEmpty { return try TokenFileError.read(file) }
        return nil
    }

    /// The client for the chosen endpoint and token.
    func client() throws(TokenFileError) -> DeskClient { DeskClient(endpoint: endpoint, token: try resolvedToken()) }
}

/// A token file deskctl will not use, as `title: detail`.
struct TokenFileError: Error {
    let title: String
    let detail: String

    /// The token in `path`: refused when the file cannot be read, is empty, or may be read by its
    /// group or by others (as ssh refuses an open private key).
    static func read(_ path: String) throws(TokenFileError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw unreadable(path, String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw unreadable(path, "not a regular file") }
        let open = info.st_mode & 0o077
        guard open == 0 else {
            let who = [(0o070, "its group"), (0o007, "others")].filter { open & mode_t($0.0) != 0 }.map(\.1)
            let what = open & 0o044 != 0 ? "readable" : "writable"
            throw TokenFileError(
                title: "Token file too open",
                detail: "\(path) is \(what) by \(who.joined(separator: " and ")) (mode "
                    + "\(String(info.st_mode & 0o777, radix: 8))); make it yours alone: chmod 600 \(path)")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw unreadable(path, "\(error.localizedDescription)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw TokenFileError(title: "Token file empty", detail: "\(path) holds no token")
        }
        return token
    }

    private static func unreadable(_ path: String, _ reason: String) -> TokenFileError {
        TokenFileError(title: "Token file unreadable", detail: "\(path): \(reason)")
    }
}
