import Foundation
import Testing

@testable import DeskStorage

/// The PostgreSQL URL of examples/ha's deskd.toml is one deskd's PostgreSQL engine accepts: both
/// nodes, tried in order, only a writable one used, TLS checked, a bounded wait per host.
@Suite struct ExampleHAURLTests {
    @Test func theExamplesURLNamesBothNodesAndAsksForAWritableOne() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let text = try String(contentsOfFile: root + "/examples/ha/host-a/deskd.toml", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("url = \"") })
        let url = try PostgresURL(String(line.dropFirst("url = \"".count).dropLast()))
        #expect(url.hosts.map { "\($0.name):\($0.port)" } == ["desk-a.example.org:5432", "desk-b.example.org:5432"])
        #expect(url.requiresReadWrite)
        #expect(url.sslMode == .verifyFull)
        #expect(url.connectTimeout == 3)
        #expect(url.database == "desk" && url.user == "deskd")
    }
}
