import DeskConfig
import Foundation
import Testing

/// Security review 2026-12-06, L5: deskd's plain-HTTP listener stays on this host (tokens and
/// console cookies would otherwise travel in clear) unless `[server] insecure_http = true` says so.
@Suite struct ListenerConfigurationTests {
    static func configuration(http: String, insecure: String = "") throws(ConfigError) -> DeskConfiguration {
        try DeskConfiguration.parse(
            """
            [server]
            http = "\(http)"
            \(insecure)
            [areas]
            file = "a"
            """, file: "x.toml")
    }

    @Test(arguments: ["127.0.0.1:8440", "127.0.0.2:8440", "localhost:8440", "[::1]:8440", ""])
    func loopbackListenersAreAccepted(http: String) throws {
        #expect(try Self.configuration(http: http).http?.description == (http.isEmpty ? nil : http))
    }

    @Test(arguments: ["0.0.0.0:8440", "[::]:8440", "192.0.2.10:8440", "desk.example.org:8440", "127.0.0.1.nip.io:80"])
    func plainHTTPOffLoopbackIsRefusedUnlessMarkedInsecure(http: String) throws {
        do {
            _ = try Self.configuration(http: http)
            Issue.record("accepted \(http)")
        } catch {
            #expect(error.description.hasPrefix("x.toml:2: server.http:"), "\(error.description)")
            #expect(error.description.contains("insecure_http = true"), "\(error.description)")
        }
        let allowed = try Self.configuration(http: http, insecure: "insecure_http = true")
        #expect(allowed.http?.description == http)
    }

    @Test func insecureHTTPIsABoolean() {
        do {
            _ = try Self.configuration(http: "0.0.0.0:8440", insecure: "insecure_http = \"yes\"")
            Issue.record("accepted a string")
        } catch {
            #expect(
                error.description.hasPrefix("x.toml:3: server.insecure_http: expected true or false"),
                "\(error.description)")
        }
    }

    /// The shipped files keep to loopback without the override, and say how to leave it.
    @Test(arguments: ["config/deskd.toml", "config/deskd.installed.toml"])
    func theShippedConfigurationsListenOnLoopbackAndNameTheOverride(file: String) throws {
        let text = try String(contentsOfFile: repositoryRoot + "/" + file, encoding: .utf8)
        let configuration = try DeskConfiguration.parse(text, file: file)
        #expect(configuration.http?.host == "127.0.0.1")
        #expect(text.contains("insecure_http"), "\(file) does not mention insecure_http")
    }
}
