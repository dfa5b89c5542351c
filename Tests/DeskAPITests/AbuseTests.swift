import DeskAPI
import DeskAPIModels
import DeskCore
import DeskTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A raw TCP connection to 127.0.0.1, for clients no HTTP library would imitate. Its reads block,
/// so `reply` waits for them off the cooperative pool.
final class RawConnection: @unchecked Sendable {
    // @unchecked Sendable: the descriptor never changes; a test uses a connection from one task at a time.
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else { throw TestFailure("connect failed: \(errno)") }
    }

    deinit { close(socket) }

    /// Sends text; false once the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } >= 0
    }

    /// Everything until the server closes (or `limit` bytes); nil on a 10 s timeout. Read off the
    /// cooperative pool, which the server under test needs to answer.
    func reply(limit: Int = 65_536) async -> String? {
        (try? await offPool { self.readAll(limit: limit) }) ?? nil
    }

    /// Reads until the server closes or `limit` bytes arrive; nil on timeout.
    private func readAll(limit: Int) -> String? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count < limit {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count == 0 { break }
            if count < 0 {
                return errno == EAGAIN || errno == EWOULDBLOCK ? nil : String(decoding: data, as: UTF8.self)
            }
            data += buffer.prefix(count)
        }
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite(.serialized) struct AbuseTests {
    @Test func aClientTricklingItsHeadersIsCutOffWhileOthersAreServed() async throws {
        try await TestServer.with(settings: APISettings(headerTimeout: 1)) { server in
            let slow = try RawConnection(port: server.tcpPort)
            slow.send("GET /v1/areas HTTP/1.1\r\nHost: localhost\r\n")
            let started = Date()
            var stillOpen = true
            var served = 0
            // Trickle one header byte every 200 ms for up to 10 s; others are served meanwhile. A
            // server that counted each byte as progress would never cut it off: no timed assertion,
            // which a loaded machine breaks, but a cut-off that must come while the bytes still flow.
            for index in 0..<50 where stillOpen {
                try await Task.sleep(for: .milliseconds(200))
                stillOpen = slow.send(index % 2 == 0 ? "X" : "y")
                if try await server.send(.tcp, .GET, "/v1/areas").status == 200 { served += 1 }
            }
            let reply = await slow.reply()
            #expect(reply == "" || reply?.isEmpty == true, "\(reply ?? "timeout")")
            #expect(!stillOpen, "still open after \(Date().timeIntervalSince(started)) s of trickling")
            // Others were served while it trickled (how many depends on the machine's load: at least one).
            #expect(served >= 1)
            #expect(try await server.send(.tcp, .GET, "/v1/areas").status == 200)
        }
    }

    @Test func tooManyHeadersAre431AndTheConnectionCapIs503() async throws {
        try await TestServer.with(settings: APISettings(maxHeaderCount: 10, maxConnections: 3)) { server in
            let headers = (0..<20).map { "X-Filler-\($0): x\r\n" }.joined()
            let crowded = try RawConnection(port: server.tcpPort)
            crowded.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\(headers)\r\n")
            let reply = await crowded.reply() ?? ""
            #expect(reply.hasPrefix("HTTP/1.1 431"), "\(reply)")
            #expect(reply.contains("application/problem+json") && reply.contains("headers-too-large"))

            // Three idle connections fill the listener; a fourth is refused with 503. The server counts
            // a connection a moment after the client's connect returns (longer on a loaded machine):
            // a fourth that came before the three were counted is served, so ask again, 50 ms apart,
            // for at most 100 tries, until one is refused.
            let idle = try (0..<3).map { _ in try RawConnection(port: server.tcpPort) }
            var refused = ""
            for _ in 0..<100 {
                let fourth = try RawConnection(port: server.tcpPort)
                fourth.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                refused = await fourth.reply() ?? ""
                if !refused.hasPrefix("HTTP/1.1 200") { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused)")
            #expect(refused.contains("too-many-connections") && refused.contains("Retry-After"))
            _ = idle
        }
    }

    @Test func aPrincipalOverItsRateGets429ThenRecovers() async throws {
        // The limits refill by a clock the test moves, not by waiting.
        let elapsed = Mutex<TimeInterval>(0)
        var settings = APISettings(rateLimits: [.viewer: .init(perSecond: 2, burst: 5)])
        settings.rateClock = RateClock { elapsed.withLock { $0 } }
        try await TestServer.with(settings: settings) { server in
            let viewer = try await server.access.tokens.create(
                name: "wallboard", role: .viewer, responderID: nil, expiresAt: nil, by: .desk
            ).secret
            let auth = [("Authorization", "Bearer \(viewer)")]
            var statuses: [Int] = []
            for _ in 0..<7 { statuses.append(try await server.send(.tcp, .GET, "/v1/areas", headers: auth).status) }
            #expect(statuses.prefix(5).allSatisfy { $0 == 200 })
            #expect(statuses.suffix(2) == [429, 429])
            let limited = try await server.send(.tcp, .GET, "/v1/areas", headers: auth)
            #expect(limited.headers.first(name: "Retry-After") == "1")
            #expect(try limited.json()["type"] as? String == "urn:incident-desk:problem:rate-limited")
            // Admins (the test server's token) and local users are not limited meanwhile.
            for _ in 0..<20 { #expect(try await server.send(.tcp, .GET, "/v1/areas").status == 200) }
            for _ in 0..<20 { #expect(try await server.send(.unix, .GET, "/v1/areas").status == 200) }
            // Half a second refills one request at 2 per second: exactly one more, then 429 again.
            elapsed.withLock { $0 += 0.5 }
            #expect(try await server.send(.tcp, .GET, "/v1/areas", headers: auth).status == 200)
            #expect(try await server.send(.tcp, .GET, "/v1/areas", headers: auth).status == 429)
        }
    }
}
