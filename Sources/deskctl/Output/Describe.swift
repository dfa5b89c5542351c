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
            var line = "opened in \(text("area") ?? "?"), phase \(text("phase") ?? "?")"
            if let source = text("phase_source"), source != "none" { line += " (by \(source))" }
            if case .bool(true)? = data["needs_review"] { line += ", needs review" }
            if let from = text("split_from") { line += ", split from \(from): \(text("reason") ?? "")" }
            return line
        case "incident.phase_changed":
            var line = "\(text("from") ?? "?") → \(text("to") ?? "?"): \(text("reason") ?? "")"
            if case .array(let signals)? = data["classification"]?["signals"] {
                let cues = signals.compactMap { $0["matched"]?.stringValue }.filter { !$0.isEmpty }.prefix(4)
                if !cues.isEmpty { line += " (" + cues.map { "\"\($0)\"" }.joined(separator: ", ") + ")" }
            }
            return line
        case "incident.report_joined":
            return "report joined: \(text("reason") ?? "")"
        case "incident.classification_confirmed":
            var line = "classification confirmed: \(text("phase") ?? "?")"
            if let previous = text("previous_phase"), previous != text("phase") { line += " (was \(previous))" }
            if let note = text("note") { line += " — \(note)" }
            return line
        case "incident.split":
            return
                "report \(text("report_id") ?? "?") split off to \(text("new_incident_id") ?? "?"): \(text("reason") ?? "")"
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

    /// `during, fire, severity 4, confidence 0.82 (text)` — the verdict in one line.
    static func verdict(_ result: Classification) -> String {
        var line = "\(result.phase.rawValue), \(result.category.rawValue), severity \(result.severity), "
        line += "confidence \(String(format: "%.2f", result.confidence)) (by \(result.decidedBy.rawValue))"
        if let language = result.language { line += ", language \(language)" }
        if result.needsReview { line += ", needs review" + (result.reviewReason.map { ": \($0)" } ?? "") }
        return line
    }

    /// A classification with the signals behind it.
    static func classification(_ result: Classification) -> String {
        var lines = [
            "Classification",
            "  Phase       \(result.phase.rawValue)\(result.needsReview ? "  (needs review)" : "")",
            "  Category    \(result.category.rawValue)",
            "  Severity    \(result.severity)",
            "  Confidence  \(String(format: "%.2f", result.confidence)) (decided by \(result.decidedBy.rawValue))",
        ]
        if let language = result.language {
            lines.append("  Language    \(language) (\(LanguageNames.english(language)))")
        }
        if let reason = result.reviewReason { lines.append("  Review      \(reason)") }
        let scores = ["before", "during", "after"].map { "\($0) \(score(result.scores[$0] ?? 0))" }
        lines.append("  Scores      " + scores.joined(separator: ", "))
        guard !result.signals.isEmpty else {
            lines.append("  No signals: nothing in the text or fields points to a phase.")
            return lines.joined(separator: "\n")
        }
        var table = Table("  SIGNAL", "RULE", "MATCHED", "TERM", "VOTE", "WEIGHT")
        for signal in result.signals {
            table.add("  " + signal.kind, signal.rule, signal.matched, signal.term, signal.vote, score(signal.weight))
        }
        return (lines + ["", table.render()]).joined(separator: "\n")
    }

    private static func score(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
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
            "Phase     \(incident.phase)\(incident.needsReview ? "  (needs review: deskctl incident confirm)" : "")",
            "Status    \(incident.status)",
        ]
        if let language = incident.language {
            lines.append("Language  \(language) (\(LanguageNames.english(language)))")
        }
        if let reason = incident.reviewReason { lines.append("Review    \(reason)") }
        if let category = incident.category { lines.append("Category  \(category)") }
        if let severity = incident.severity { lines.append("Severity  \(severity)") }
        lines.append("Opened    \(time(incident.openedAt))")
        if let closedAt = incident.closedAt { lines.append("Closed    \(time(closedAt))") }
        if let outcome = incident.outcome { lines.append("Outcome   \(outcome.replacingNewlines())") }
        lines.append("Reports   \(incident.reportCount)")
        return lines.joined(separator: "\n")
    }
}
