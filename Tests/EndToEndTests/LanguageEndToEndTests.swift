import DeskAPIModels
import DeskTestSupport
import Foundation
import Testing

/// A report in a language the lexicon does not read, through the built deskd and deskctl: named,
/// and listed for review with whom it needs.
@Suite(.ownThread) struct LanguageEndToEndTests {
    @Test func deskctlShowsTheLanguageAndWhoMustReadIt() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let reported = try daemon.ctl("report", "--area", "rinkeby", "--text", "Dab ayaa ka kacay guriga Tensta")
        #expect(reported.status == 0, "\(reported.stderr)")
        let listed = try daemon.ctl("incident", "list", "--needs-review")
        #expect(listed.status == 0, "\(listed.stderr)")
        let header = try #require(listed.stdout.split(separator: "\n").first)
        #expect(header.contains("LANG") && header.contains("REVIEW"), "\(listed.stdout)")
        #expect(listed.stdout.contains("needs someone who reads Somali"), "\(listed.stdout)")
        let page = try decodeJSON(
            PageBody<IncidentBody>.self, try daemon.ctl("incident", "list", "--needs-review", "--json").stdout)
        let incident = try #require(page.items.first)
        #expect(incident.language == "so")
        let shown = try daemon.ctl("incident", "show", incident.id)
        #expect(shown.stdout.contains("Language  so (Somali)"), "\(shown.stdout)")
        #expect(shown.stdout.contains("Review    needs someone who reads Somali"), "\(shown.stdout)")
        let classified = try daemon.ctl("classify", "Dab ayaa ka kacay guriga Tensta")
        #expect(classified.stdout.contains("Language    so (Somali)"), "\(classified.stdout)")
    }

    /// `deskctl incident list --language so` lists the incidents with a Somali report; a code the
    /// desk does not know is refused with `title: detail`, a non-zero exit, and nothing listed.
    @Test func deskctlListsIncidentsByLanguage() throws {
        let daemon = try DaemonProcess()
        try daemon.start()
        defer { _ = try? daemon.stop() }
        let somali = try daemon.ctl("report", "--area", "rinkeby", "--text", "Dab ayaa ka kacay guriga Tensta")
        #expect(somali.status == 0, "\(somali.stderr)")
        let swedish = try daemon.ctl(
            "report", "--area", "bredang", "--text", "Det brinner i en lägenhet på Ålgrytevägen just nu")
        #expect(swedish.status == 0, "\(swedish.stderr)")
        let all = try decodeJSON(PageBody<IncidentBody>.self, try daemon.ctl("incident", "list", "--json").stdout)
        #expect(all.items.count == 2)
        let somaliID = try #require(all.items.first { $0.languages == ["so"] }?.id)
        let swedishID = try #require(all.items.first { $0.languages == ["sv"] }?.id)

        let listed = try daemon.ctl("incident", "list", "--language", "so")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(somaliID) && !listed.stdout.contains(swedishID), "\(listed.stdout)")
        let json = try decodeJSON(
            PageBody<IncidentBody>.self, try daemon.ctl("incident", "list", "--language", "sv", "--json").stdout)
        #expect(json.items.map(\.id) == [swedishID])
        let none = try daemon.ctl("incident", "list", "--language", "ti")
        #expect(none.status == 0 && none.stdout.contains("No incidents."), "\(none.stdout)")

        let refused = try daemon.ctl("incident", "list", "--language", "klingon")
        #expect(refused.status == 1)
        #expect(refused.stdout.isEmpty, "\(refused.stdout)")
        #expect(
            refused.stderr.hasPrefix("Invalid query parameter: language: must be an ISO 639 code")
                && refused.stderr.contains("\"klingon\""), "\(refused.stderr)")
    }
}
