import ArgumentParser
import DeskAPIModels
import DeskClient
import Foundation

/// A command that calls deskd: errors become `title: detail` on stderr and an exit status.
protocol CtlCommand: AsyncParsableCommand {
    var connection: ConnectionOptions { get }
    /// The command's work; runs with the client for the chosen endpoint.
    func execute(_ client: DeskClient) async throws
}

extension CtlCommand {
    func run() async throws {
        do {
            let client = try connection.client()
            try await client.probe()
            try await execute(client)
        } catch let error as TokenFileError {
            Output.error("\(error.title): \(error.detail)")
            throw ExitCode(64)
        } catch let error as DeskClientError {
            switch error {
            case .problem(let problem):
                Output.error("\(problem.title): \(problem.detail)")
                for issue in problem.errors ?? [] where (problem.errors?.count ?? 0) > 1 {
                    Output.error("  \(issue.pointer.isEmpty ? "body" : issue.pointer): \(issue.detail)")
                }
                throw ExitCode(1)
            case .unreachable:
                Output.error("deskctl: \(error)")
                throw ExitCode(69)
            case .badResponse:
                Output.error("deskctl: \(error)")
                throw ExitCode(1)
            }
        }
    }

    /// Prints `value` as the API's JSON (pretty, sorted keys).
    func printJSON<Value: Encodable>(_ value: Value) throws {
        let data = try DeskJSON.encoder(pretty: true).encode(value)
        Output.line(String(decoding: data, as: UTF8.self))
    }
}

/// Writing to the terminal.
enum Output {
    static func line(_ text: String = "") {
        print(text)
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
