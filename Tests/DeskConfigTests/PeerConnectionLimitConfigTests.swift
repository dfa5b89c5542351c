import DeskConfig
import Foundation
import Testing

/// `[limits] max_connections_per_peer` (security review 2026-12-06, M4).
@Suite struct PeerConnectionLimitConfigTests {
    static let minimal = "[areas]\nfile = \"a\"\n"

    @Test func sixtyFourByDefaultReadAndChecked() throws {
        #expect(try DeskConfiguration.parse(Self.minimal, file: "x.toml").limits.maxConnectionsPerPeer == 64)
        let limits = try DeskConfiguration.parse(
            Self.minimal + "[limits]\nmax_connections_per_peer = 16\n", file: "x.toml"
        ).limits
        #expect(limits.maxConnectionsPerPeer == 16)
        #expect(limits != (try DeskConfiguration.parse(Self.minimal, file: "x.toml").limits))
        for (line, expected) in [
            ("max_connections_per_peer = 0", "x.toml:4: limits.max_connections_per_peer: 0 is out of range"),
            ("max_connections_per_peer = \"64\"", "limits.max_connections_per_peer: expected an integer, got a string"),
        ] {
            #expect {
                _ = try DeskConfiguration.parse(Self.minimal + "[limits]\n" + line + "\n", file: "x.toml")
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
    }

    @Test func theShippedConfigurationsStateIt() throws {
        for file in ["/config/deskd.toml", "/config/deskd.installed.toml"] {
            let text = try String(contentsOfFile: repositoryRoot + file, encoding: .utf8)
            #expect(text.contains("\nmax_connections_per_peer = 64\n"), "\(file)")
        }
        #expect(
            try DeskConfiguration.load(path: repositoryRoot + "/config/deskd.toml").limits.maxConnectionsPerPeer == 64)
    }
}
