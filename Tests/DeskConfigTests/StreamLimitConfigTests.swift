import DeskConfig
import Foundation
import Testing

/// `[limits] max_streams_per_principal` (security review 2026-12-06, M5).
@Suite struct StreamLimitConfigTests {
    static let minimal = "[areas]\nfile = \"a\"\n"

    @Test func fourByDefaultReadAndChecked() throws {
        #expect(try DeskConfiguration.parse(Self.minimal, file: "x.toml").limits.maxStreamsPerPrincipal == 4)
        let limits = try DeskConfiguration.parse(
            Self.minimal + "[limits]\nmax_streams_per_principal = 2\n", file: "x.toml"
        ).limits
        #expect(limits.maxStreamsPerPrincipal == 2)
        #expect(limits != (try DeskConfiguration.parse(Self.minimal, file: "x.toml").limits))
        #expect {
            _ = try DeskConfiguration.parse(Self.minimal + "[limits]\nmax_streams_per_principal = 0\n", file: "x.toml")
        } throws: { error in
            "\(error)".contains("x.toml:4: limits.max_streams_per_principal: 0 is out of range")
        }
        for file in ["/config/deskd.toml", "/config/deskd.installed.toml"] {
            let text = try String(contentsOfFile: repositoryRoot + file, encoding: .utf8)
            #expect(text.contains("\nmax_streams_per_principal = 4\n"), "\(file)")
        }
    }
}
