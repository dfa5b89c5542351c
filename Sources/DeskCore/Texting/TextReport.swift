/// A report by text: `Rinkeby: brand i trapphuset, 2 skadade` names its area (id or name) before
/// a colon; a text that names none is about the sender's area when they cover exactly one active
/// area. Anything else is no report, and the help text answers it.
public enum TextReport {
    /// The report's area (its id) and text, or nil when `text` is no report: no known area before
    /// a colon while `senders` cover other than one active area, or nothing after the area.
    ///
    /// Example: `TextReport.fields("Rinkeby: brand i trapphuset", from: [anna], areas: areas)?.area == "rinkeby"`.
    public static func fields(_ text: String, from senders: [Responder], areas: AreaDirectory) -> ReportFields? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        if let colon = trimmed.firstIndex(of: ":"),
            let area = areas.lookup(String(trimmed[..<colon]).trimmingWhitespace())
        {
            let rest = String(trimmed[trimmed.index(after: colon)...]).trimmingWhitespace()
            return rest.isEmpty ? nil : ReportFields(area: area.id, text: rest)
        }
        let covered = Set(senders.flatMap(\.areas)).filter { areas.lookup($0)?.id == $0 }
        guard covered.count == 1, let area = covered.first else { return nil }
        return ReportFields(area: area, text: trimmed)
    }
}
