import ArgumentParser
import DeskAPIModels
import DeskClient
import DeskCore
import Foundation

/// `deskctl token …`
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "API tokens for HTTP clients (admins, on the desk's host).",
        subcommands: [TokenCreate.self, TokenList.self, TokenRevoke.self])
}

extension AccessRole: ExpressibleByArgument {}

/// `deskctl token create --name N --role R [--responder ID] [--expires TIME]`
struct TokenCreate: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Make a token; its secret is printed once and never again.",
        discussion:
            "Over the Unix socket only. Give the secret to the client as DESKCTL_TOKEN or Authorization: Bearer.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "A name for the token, e.g. the system or person using it.")
    var name: String

    @Option(help: "metrics (reads /metrics and /readyz only), viewer, responder, officer or admin.")
    var role: AccessRole

    @Option(help: "The responder the holder is (for --mine and answering call-outs).")
    var responder: String?

    @Option(help: ArgumentHelp("When it stops working (RFC 3339).", valueName: "time"))
    var expires: String?

    func validate() throws {
        if let expires, RFC3339.parse(expires) == nil {
            throw ValidationError("--expires must be an RFC 3339 time such as 2027-01-01T00:00:00Z (got \(expires))")
        }
    }

    func execute(_ client: DeskClient) async throws {
        let made: TokenBody = try await client.post(
            "/v1/tokens",
            body: TokenRequest(name: name, role: role, responder: responder, expiresAt: expires.flatMap(RFC3339.parse)))
        if connection.json {
            struct Created: Encodable {
                var name: String
                var role: String
                var secret: String
            }
            return try printJSON(Created(name: made.name, role: made.role, secret: made.secret ?? ""))
        }
        Output.line("Token \(made.name) (\(made.role)) created. Its secret, shown only now:")
        Output.line(made.secret ?? "")
    }
}

/// `deskctl token list`
struct TokenList: CtlCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never their secrets).")

    @OptionGroup var connection: ConnectionOptions

    func execute(_ client: DeskClient) async throws {
        let body: ItemsBody<TokenBody> = try await client.get("/v1/tokens")
        if connection.json { return try printJSON(body) }
        var table = Table("NAME", "ROLE", "RESPONDER", "CREATED", "BY", "EXPIRES", "STATE")
        let now = Date()
        for token in body.items {
            let state =
                token.revokedAt != nil ? "revoked" : (token.expiresAt.map { $0 <= now } ?? false) ? "expired" : "active"
            table.add(
                token.name, token.role, token.responder ?? "-", Describe.time(token.createdAt), token.createdBy,
                token.expiresAt.map(Describe.time) ?? "never", state)
        }
        Output.line(table.render())
    }
}

/// `deskctl token revoke NAME`
struct TokenRevoke: CtlCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token at once.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The token's name.")
    var name: String

    func execute(_ client: DeskClient) async throws {
        let revoked: TokenBody = try await client.delete("/v1/tokens/\(name.pathEscaped)")
        if connection.json { return try printJSON(revoked) }
        Output.line("Token \(revoked.name) revoked")
    }
}
