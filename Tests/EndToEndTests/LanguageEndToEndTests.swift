import DeskAPIModels
import Foundation
import Testing

/// A report in a language the lexicon does not read, through the built deskd and deskctl: named,
/// and listed for review with whom it needs.
@Suite struct LanguageEndToEndTests {
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
}
