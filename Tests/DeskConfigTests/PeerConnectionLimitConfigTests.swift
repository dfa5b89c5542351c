import DeskConfig
import Foundation
import Testing

/// `[limits] max_connections_per_peer` (security review 2026-12-06, M4) and
/// `max_streams_per_principal` (M5): defaults, read, range-checked, and stated in both shipped
/// configurations.
@Suite struct PeerConnectionLimitConfigTests {
    static let minimal = "[areas]\nfile = \"a\"\n"

    /// One cap: its key, its default, a value to set, and how to read it back.
    struct Cap: Sendable, CustomStringConvertible {
        var key: String
        var byDefault: Int
        var set: Int
        var read: @Sendable (DeskConfiguration.Limits) -> Int
        var description: String { key }
    }

    static let caps = [
        Cap(key: "max_connections_per_peer", byDefault: 64, set: 16, read: { $0.maxConnectionsPerPeer }),
        Cap(key: "max_streams_per_principal", byDefault: 4, set: 2, read: { $0.maxStreamsPerPrincipal }),
    ]

    @Test(arguments: caps) func aCapHasItsDefaultIsReadAndChecked(cap: Cap) throws {
        let defaults = try DeskConfiguration.parse(Self.minimal, file: "x.toml").limits
        #expect(cap.read(defaults) == cap.byDefault)
        let limits = try DeskConfiguration.parse(
            Self.minimal + "[limits]\n\(cap.key) = \(cap.set)\n", file: "x.toml"
        ).limits
        #expect(cap.read(limits) == cap.set)
        #expect(limits != defaults)
        for (line, expected) in [
            ("\(cap.key) = 0", "x.toml:4: limits.\(cap.key): 0 is out of range"),
            ("\(cap.key) = \"\(cap.byDefault)\"", "limits.\(cap.key): expected an integer, got a string"),
        ] {
            #expect {
                _ = try DeskConfiguration.parse(Self.minimal + "[limits]\n" + line + "\n", file: "x.toml")
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
    }

    @Test(arguments: caps) func theShippedConfigurationsStateIt(cap: Cap) throws {
        for file in ["/config/deskd.toml", "/config/deskd.installed.toml"] {
            let text = try String(contentsOfFile: repositoryRoot + file, encoding: .utf8)
            #expect(text.contains("\n\(cap.key) = \(cap.byDefault)\n"), "\(file)")
        }
        #expect(
            cap.read(try DeskConfiguration.load(path: repositoryRoot + "/config/deskd.toml").limits) == cap.byDefault)
    }
}
