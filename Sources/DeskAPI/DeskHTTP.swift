import DeskCore
import HTTPTypes
import Hummingbird
import Logging

/// The HTTP API of the desk: one router, served on every listener.
public enum DeskHTTP {
    /// Registers every route of the API on `router`, each with who may call it.
    private static func registerRoutes(
        on router: DeskRouter, desk: Desk, access: AccessControl, settings: APISettings, gate: SignInGate,
        metrics: DeskMetrics = DeskMetrics(), events: EventHub = EventHub()
    ) {
        let body = JSONBody(maxBytes: settings.maxBodyBytes, maxDepth: settings.maxJSONDepth)
        let writes = Writes(commands: desk.commands)
        ReportRoutes(desk: desk, writes: writes, body: body).register(on: router)
        IncidentRoutes(desk: desk, writes: writes, body: body).register(on: router)
        DeskRoutes(desk: desk, metrics: metrics, body: body).register(on: router)
        DutyRoutes(desk: desk, writes: writes, body: body).register(on: router)
        TokenRoutes(tokens: access.tokens, body: body).register(on: router)
        RecordRoutes(desk: desk, writes: writes, body: body).register(on: router)
        ConsoleRoutes(desk: desk, access: access, body: body, gate: gate).register(on: router)
        EventRoutes(
            desk: desk, hub: events, access: access,
            heartbeat: .milliseconds(Int64(settings.streamHeartbeat * 1000))
        ).register(on: router)
        SMSRoutes(desk: desk, inbox: settings.texts, maxBytes: settings.maxBodyBytes).register(on: router)
        StatsRoutes(desk: desk).register(on: router)
    }

    /// Every route the API serves, as `(method, path, roles)` with `{name}` for path parameters: for
    /// tests and documentation (a registration on a router that never serves; `responder` registers
    /// its own routes once).
    public static func registeredRoutes(
        desk: Desk, access: AccessControl
    ) -> [(method: String, path: String, roles: Set<AccessRole>)] {
        let registrations = RouteRegistrations()
        // Only the registrations are kept: the gate of these routes never sees a request.
        let gate = SignInGate(
            limiter: RateLimiter(limits: [:]), refusals: RefusalLog(logger: Logger(label: "deskd.routes")),
            clients: ClientAddresses(trustedProxies: []))
        registerRoutes(
            on: DeskRouter(router: Router(context: DeskRequestContext.self), table: registrations), desk: desk,
            access: access, settings: APISettings(), gate: gate)
        return registrations.entries.map { ($0.method.rawValue, $0.path, $0.roles) }
    }

    /// The responder that serves the API and answers every error with problem+json.
    public static func responder(
        desk: Desk, access: AccessControl, settings: APISettings, metrics: DeskMetrics,
        refusals: RefusalLog, events: EventHub = EventHub()
    ) -> some HTTPResponder<DeskRequestContext> {
        // The middleware must be added before the routes, and reads their table: it holds the
        // registrations, filled by the one registration below before any request is served.
        let routes = RouteRegistrations()
        let router = Router(context: DeskRequestContext.self)
        // Outermost, so refused requests are measured too (a no-op until deskd bootstraps swift-metrics).
        router.add(middleware: MetricsMiddleware())
        // Outside the problem middleware, so problems are not cached either.
        router.add(middleware: NoStoreMiddleware())
        router.add(middleware: ProblemMiddleware(routes: routes, settings: settings))
        // Inside the problem middleware, so refusals are problem+json too.
        let limiter = RateLimiter(
            limits: settings.rateLimits, anonymous: settings.anonymousRateLimit, signIn: settings.signInRateLimit,
            now: settings.rateClock.now)
        let clients = ClientAddresses(trustedProxies: settings.trustedProxies)
        router.add(
            middleware: AccessMiddleware(
                access: access, routes: routes, limiter: limiter, refusals: refusals, clients: clients))
        router.add(middleware: RateLimitMiddleware(limiter: limiter))
        registerRoutes(
            on: DeskRouter(router: router, table: routes), desk: desk, access: access,
            settings: settings, gate: SignInGate(limiter: limiter, refusals: refusals, clients: clients),
            metrics: metrics, events: events)
        return router.buildResponder()
    }
}
