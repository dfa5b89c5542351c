import DeskAPIModels
import DeskCore
import Foundation

/// Human-readable forms of API values.
enum Describe {
    /// `2026-11-22 14:05:09Z`: UTC, to the second.
    static func time(_ date: Date) -> String {
        let text = RFC3339.format(date)
        return String(text.prefix(19)).replacingOccurrences(of: "T", with: " ") + "Z"
    }

    /// One line saying what an event records.
    static func event(_ event: EventBody) -> String {
        let data = event.data
        func text(_ key: String) -> String? { data[key]?.stringValue }
        switch event.kind {
        case "report.received":
            var parts = ["report via \(text("transport") ?? "?")"]
            if case .int(let injured)? = data["injured"] { parts.append("\(injured) injured") }
            if case .bool(let ongoing)? = data["ongoing"] { parts.append(ongoing ? "ongoing" : "not ongoing") }
            if let phase = text("phase") { parts.append("reporter says \(phase)") }
            return parts.joined(separator: ", ")
        case "incident.opened":
            return "opened in \(text("area") ?? "?"), phase \(text("phase") ?? "?")"
        case "incident.phase_changed":
            return "\(text("from") ?? "?") → \(text("to") ?? "?"): \(text("reason") ?? "")"
        case "note.added":
            return text("text") ?? ""
        case "incident.closed":
            return "closed: \(text("outcome") ?? "")"
        case "incident.reopened":
            return text("reason").map { "reopened: \($0)" } ?? "reopened"
        default:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    /// The timeline as a table.
    static func timeline(_ events: [EventBody]) -> String {
        var table = Table("TIME (UTC)", "ACTOR", "EVENT", "DETAIL")
        for event in events {
            table.add(time(event.at), event.actor, event.kind, Self.event(event))
        }
        return table.render()
    }

    /// The incident's main facts, one per line.
    static func incident(_ incident: IncidentBody) -> String {
        var lines = [
            "Incident  \(incident.id)",
            "Title     \(incident.title.replacingNewlines())",
            "Area      \(incident.area)",
            "Phase     \(incident.phase)",
            "Status    \(incident.status)",
        ]
        if let category = incident.category { lines.append("Category  \(category)") }
        if let severity = incident.severity { lines.append("Severity  \(severity)") }
        lines.append("Opened    \(time(incident.openedAt))")
        if let closedAt = incident.closedAt { lines.append("Closed    \(time(closedAt))") }
        if let outcome = incident.outcome { lines.append("Outcome   \(outcome.replacingNewlines())") }
        lines.append("Reports   \(incident.reportCount)")
        return lines.joined(separator: "\n")
    }
}
