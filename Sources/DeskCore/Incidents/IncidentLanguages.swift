/// The languages of an incident: the set of its reports' languages, and the codes a listing may
/// filter by.
public enum IncidentLanguages {
    /// The ISO 639 codes the desk names reports with (the language identifier's codes and `und`),
    /// and `prs` (Dari), which the identifier names `fa`: a filter by `prs` finds them.
    public static let known: Set<String> = ["sv", "en", "ar", "fa", "prs", "so", "ti", "am", "und"]

    /// The code reports are stored with for `code`, a filter's value: `fa` for `prs` (Dari and
    /// Persian are one written language to the identifier); nil for a code the desk does not know.
    public static func filterCode(_ code: String) -> String? {
        guard known.contains(code) else { return nil }
        return code == "prs" ? "fa" : code
    }

    /// `codes` sorted, each once, without empty ones.
    public static func normalized(_ codes: [String]) -> [String] {
        Set(codes.filter { !$0.isEmpty }).sorted()
    }

    /// The languages of `reports`.
    public static func of(_ reports: [Report]) -> [String] {
        normalized(reports.compactMap { $0.classification?.language })
    }

    /// `languages` and the language of `report`, if it has one.
    public static func adding(_ report: Report, to languages: [String]) -> [String] {
        guard let language = report.classification?.language else { return languages }
        return normalized(languages + [language])
    }

    /// The stored form: the codes separated by single spaces (`so sv`); nil when there are none.
    public static func stored(_ languages: [String]) -> String? {
        languages.isEmpty ? nil : languages.joined(separator: " ")
    }

    /// The codes of a stored value (see `stored`).
    public static func parse(_ stored: String?) -> [String] {
        normalized((stored ?? "").split(separator: " ").map(String.init))
    }
}
