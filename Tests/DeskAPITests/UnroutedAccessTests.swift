import AsyncHTTPClient
import DeskCore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import DeskAPI

/// Security review 2026-12-06, I2: a request the route table does not know is denied by the
/// access middleware itself, so a handler registered without a policy is never reached.
@Suite struct UnroutedAccessTests {
    @Test func aHandlerMissingFromTheRouteTableIsNeverReached() async throws {
        try await TestServer.with { server in
            let viewer = try await server.access.tokens.create(
                name: "unrouted-viewer", role: .viewer, responderID: nil, expiresAt: nil, by: .desk
            ).secret
            let logger = Logger(label: "unrouted-test")
            let router = Router(context: DeskRequestContext.self)
            let table = RouteRegistrations([(.get, "/v1/listed", [.admin])])
            router.add(middleware: ProblemMiddleware(routes: table, settings: APISettings()))
            router.add(
                middleware: AccessMiddleware(
                    access: server.access,
                    routes: table,
                    limiter: RateLimiter(limits: [:], anonymous: APISettings.defaultAnonymousRateLimit),
                    refusals: RefusalLog(logger: logger), clients: ClientAddresses(trustedProxies: [])))
            let reached = Atomic<Int>(0)
            // Registered on the router but not in the table: no policy was declared for it.
            router.get("/v1/unlisted") { _, _ -> Response in
                reached.add(1, ordering: .relaxed)
                return Response(status: .ok)
            }
            router.get("/v1/listed") { _, _ -> Response in Response(status: .ok) }
            let (ports, bound) = AsyncStream<Int>.makeStream()
            let app = Application(
                router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { bound.yield($0.localAddress?.port ?? 0) }, logger: logger)
            let group = ServiceGroup(services: [app], logger: logger)
            let running = Task { try await group.run() }
            defer { running.cancel() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            func status(_ path: String, _ token: String) async throws -> Int {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 16)
                return Int(response.status.code)
            }
            // The table is consulted: a viewer may not call the admin route.
            #expect(try await status("/v1/listed", viewer) == 403)
            #expect(try await status("/v1/listed", server.adminToken) == 200)
            // Not in the table: denied for everyone, admins included, and the handler never runs.
            #expect(try await status("/v1/unlisted", viewer) == 404)
            #expect(try await status("/v1/unlisted", server.adminToken) == 404)
            #expect(reached.load(ordering: .relaxed) == 0)
            await group.triggerGracefulShutdown()
            try await running.value
        }
    }
}
