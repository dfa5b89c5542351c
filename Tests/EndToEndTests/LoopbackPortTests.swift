import DeskTestSupport
import Foundation
import Testing

/// The ports deskd is started (and restarted) on lie below the kernel's ephemeral range, where no
/// connection's local end and no listener on port 0 is given them meanwhile.
@Suite struct LoopbackPortTests {
    @Test func portsAreChosenAtRandomBelowTheEphemeralRange() throws {
        let range = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let lowest = try #require(range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) })
        let ports = try (0..<50).map { _ in try unusedLoopbackPort() }
        #expect(ports.allSatisfy { $0 >= 10_000 && $0 < max(lowest, 20_000) })
        // Chosen at random: fifty are not all one.
        #expect(Set(ports).count > 1)
    }
}
