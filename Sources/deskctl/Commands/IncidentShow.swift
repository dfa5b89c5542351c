import ArgumentParser
import DeskAPIModels
import DeskClient

/// `deskctl incident show ID`
struct IncidentShow: CtlCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show an incident and its reports.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The incident id.")
    var id: String

    func execute(_ client: DeskClient) async throws {
        let incident: IncidentBody = try await client.get("/v1/incidents/\(PathSegment.escape(id))")
        if connection.json { return try printJSON(incident) }
        Output.line(Describe.incident(incident))
        if let classification = incident.classification {
            Output.line()
            Output.line(Describe.classification(try classification.value))
        }
        for report in incident.reports ?? [] {
            Output.line()
            var header =
                "Report \(report.id)  \(Describe.time(report.receivedAt))  by \(report.actor) via \(report.transport)"
            if let occurredAt = report.occurredAt { header += "  (occurred \(Describe.time(occurredAt)))" }
            Output.line(header)
            var facts: [String] = []
            if let location = report.location { facts.append("at \(location)") }
            if let injured = report.injured { facts.append("\(injured) injured") }
            if let ongoing = report.ongoing { facts.append(ongoing ? "ongoing" : "not ongoing") }
            if let phase = report.phase { facts.append("reporter's phase: \(phase)") }
            if let category = report.category { facts.append("category: \(category)") }
            if let reporter = report.reporter {
                facts.append(
                    "reporter: " + [reporter.name, reporter.contact].compactMap { $0 }.joined(separator: ", "))
            }
            if !facts.isEmpty { Output.line("  " + facts.joined(separator: "; ")) }
            if let classification = report.classification {
                Output.line("  classified: " + Describe.verdict(try classification.value))
            }
            for line in report.text.split(separator: "\n", omittingEmptySubsequences: false) {
                Output.line("  | \(line)")
            }
        }
    }
}

/// Escaping user input placed into a URL path.
enum PathSegment {
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", "_", "."])) ?? text
    }
}
