import DeskConfig
import Foundation
import Testing

/// examples/ha: the two hosts' deskd.toml are what deskd reads (PostgreSQL on both nodes of the
/// pair, only a writable one used), and equal but for their comments — no instance is special.
@Suite struct ExampleHAConfigTests {
    static let hosts = ["examples/ha/host-a/deskd.toml", "examples/ha/host-b/deskd.toml"]

    @Test(arguments: hosts) func eachHostsConfigurationParsesAndNamesBothNodes(file: String) throws {
        let text = try String(contentsOfFile: repositoryRoot + "/" + file, encoding: .utf8)
        // The password file lives on the host (/etc/deskd/postgres-password): one made for the test.
        let password = FileManager.default.temporaryDirectory.appendingPathComponent("ha-\(UUID().uuidString)").path
        try Data("s3cret\n".utf8).write(to: URL(fileURLWithPath: password))
        defer { try? FileManager.default.removeItem(atPath: password) }
        #expect(text.contains("password_file = \"/etc/deskd/postgres-password\""))
        let configuration = try DeskConfiguration.parse(
            text.replacingOccurrences(of: "/etc/deskd/postgres-password", with: password), file: file)
        #expect(configuration.storageEngine == .postgresql)
        #expect(configuration.postgresPassword == "s3cret")
        let url = try #require(configuration.postgresURL)
        #expect(url.contains("desk-a.example.org:5432,desk-b.example.org:5432/desk?"), "\(url)")
        #expect(url.contains("target_session_attrs=read-write"), "\(url)")
        #expect(configuration.http?.host == "127.0.0.1")
    }

    @Test func bothHostsRunTheSameConfiguration() throws {
        let texts = try Self.hosts.map { file in
            try String(contentsOfFile: repositoryRoot + "/" + file, encoding: .utf8).split(separator: "\n")
                .filter { !$0.hasPrefix("#") }
        }
        #expect(texts[0] == texts[1])
    }
}
