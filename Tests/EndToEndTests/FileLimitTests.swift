import DeskTestSupport
import Foundation
import Testing

/// The service unit's file-descriptor limit against the connection caps it must hold.
@Suite(.ownThread) struct FileLimitTests {
    /// Security review 2026-12-06, M4: the service may open more descriptors than its listeners'
    /// connection caps (as installed) take, with room for the database, backups and webhooks.
    @Test func theServiceMayOpenMoreDescriptorsThanItsConnectionCaps() throws {
        let unit = try String(contentsOfFile: repositoryRoot + "/systemd/deskd.service", encoding: .utf8)
        let limits = unit.split(separator: "\n").filter { $0.hasPrefix("LimitNOFILE=") }
        #expect(limits.count == 1, "\(limits)")
        let value = try #require(limits.first.map { $0.dropFirst("LimitNOFILE=".count) })
        // One number sets soft and hard alike (N:M would leave the soft limit lower).
        let files = try #require(Int(value), "LimitNOFILE=\(value)")
        #expect(files >= 65_536)
        for config in ["/config/deskd.installed.toml", "/config/deskd.toml"] {
            let text = try String(contentsOfFile: repositoryRoot + config, encoding: .utf8)
            let cap = try #require(
                text.split(separator: "\n").first { $0.hasPrefix("max_connections = ") }
                    .flatMap { Int($0.dropFirst("max_connections = ".count)) })
            // Two listeners (the socket and TCP), each at its cap, and 1024 for everything else.
            #expect(2 * cap + 1024 <= files, "\(config): max_connections = \(cap)")
        }
    }
}
