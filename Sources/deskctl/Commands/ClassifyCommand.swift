import ArgumentParser
import DeskAPIModels
import DeskClient
import DeskCore
import Foundation

/// `deskctl classify TEXT [--lang sv|en] [--explain]`: a dry run of the classifier; nothing is stored.
struct ClassifyCommand: CtlCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Show how the desk would classify a report, without storing anything.",
        discussion: """
            Prints the phase (before, during, after), category, severity, confidence and the signals \
            that decided them; --explain adds the deciding evidence of each part (lexicon rules, \
            grammatical cues, phase model, fields). \
            Example: deskctl classify "Det brinner i trapphuset just nu" --lang sv --explain
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The report text; '-' reads it from standard input.")
    var text: String

    @Option(help: "Apply only this language's rules: sv or en (default: guessed from the text).")
    var lang: String?

    @Option(help: "A title, read with the text.")
    var title: String?

    @Option(help: "How many people are injured.")
    var injured: Int?

    @Flag(inversion: .prefixedNo, help: "Whether it is still going on.")
    var ongoing: Bool?

    @Option(help: ArgumentHelp("When it happened, RFC 3339.", valueName: "time"))
    var occurredAt: String?

    @Flag(help: "Also show the deciding evidence of each part: lexicon rules, grammatical cues, phase model, fields.")
    var explain = false

    func validate() throws {
        if let occurredAt, RFC3339.parse(occurredAt) == nil {
            throw ValidationError(
                "--occurred-at must be an RFC 3339 time such as 2026-11-22T14:05:00Z (got \(occurredAt))")
        }
    }

    func execute(_ client: DeskClient) async throws {
        let request = ClassifyRequest(
            text: try StandardInput.text(or: text), title: title, lang: lang,
            occurredAt: occurredAt.flatMap(RFC3339.parse), injured: injured, ongoing: ongoing
        )
        let result: Classification = try await client.post("/v1/classify", body: request)
        if connection.json { return try printJSON(result) }
        Output.line(Describe.classification(result))
        if explain { Output.line(Describe.explanation(result)) }
    }
}

/// Reading a text argument given as `-` from standard input.
enum StandardInput {
    static func text(or argument: String) throws -> String {
        guard argument == "-" else { return argument }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("standard input is not UTF-8 text")
        }
        return text
    }
}
