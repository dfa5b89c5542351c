import DeskConfig
import Foundation
import Testing

/// Issue 16, item 11: a webhook receiver is reached over HTTPS, or plain HTTP on this host only,
/// unless the configuration says `insecure = true`.
@Suite struct ReceiverConfigurationTests {
    static func configuration(url: String, insecure: String = "") throws(ConfigError) -> DeskConfiguration {
        try DeskConfiguration.parse(
            """
            [areas]
            file = "a"
            [[receiver]]
            name = "ops"
            url = "\(url)"
            secret = "a-receiver-secret-of-32-bytes!!!"
            \(insecure)
            """, file: "x.toml")
    }

    @Test(arguments: [
        "https://hooks.example.org/desk", "http://127.0.0.1:9000/hook", "http://localhost/hook",
        "http://[::1]:9000/hook",
    ])
    func httpsAndLoopbackReceiversAreAccepted(url: String) throws {
        #expect(try Self.configuration(url: url).duty.receivers.map(\.url.absoluteString) == [url])
    }

    @Test(arguments: ["http://hooks.example.org/desk", "http://10.0.0.7/hook", "http://127.0.0.1.example.org/x"])
    func plainHTTPElsewhereIsRefusedUnlessMarkedInsecure(url: String) throws {
        do {
            _ = try Self.configuration(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.description.hasPrefix("x.toml:5: receiver[1].url:"), "\(error.description)")
            #expect(error.description.contains("insecure = true"), "\(error.description)")
        }
        let allowed = try Self.configuration(url: url, insecure: "insecure = true")
        #expect(allowed.duty.receivers.map(\.url.absoluteString) == [url])
    }
}
