import DeskCore
import HTTPTypes
import Hummingbird

/// The HTTP API of the desk: one router, served on every listener.
public enum DeskHTTP {
    /// Registers every route of the API on `router`.
    private static func registerRoutes(
        on router: Router<DeskRequestContext>, desk: IncidentDesk, duty: DutyDesk, access: AccessControl,
        settings: APISettings, metrics: DeskMetrics = DeskMetrics(), events: EventHub = EventHub()
    ) {
        let body = JSONBody(maxBytes: settings.maxBodyBytes, maxDepth: settings.maxJSONDepth)
        ReportRoutes(desk: desk, body: body).register(on: router)
        IncidentRoutes(desk: desk, duty: duty, body: body).register(on: router)
        DeskRoutes(desk: desk, metrics: metrics, body: body).register(on: router)
        DutyRoutes(duty: duty, body: body).register(on: router)
        TokenRoutes(tokens: access.tokens, duty: duty, body: body).register(on: router)
        RecordRoutes(desk: desk, duty: duty, body: body).register(on: router)
        ConsoleRoutes(desk: desk, duty: duty, access: access, body: body).register(on: router)
        EventRoutes(desk: desk, duty: duty, hub: events).register(on: router)
    }

    /// Every route the API serves, as `(method, path)` with `{name}` for path parameters.
    public static func registeredRoutes(
        desk: IncidentDesk, duty: DutyDesk, access: AccessControl
    ) -> [(method: String, path: String)] {
        let router = Router(context: DeskRequestContext.self)
        registerRoutes(on: router, desk: desk, duty: duty, access: access, settings: APISettings())
        return router.routes.map { ($0.method.rawValue, $0.path.description) }
    }

    /// The responder that serves the API and answers every error with problem+json.
    public static func responder(
        desk: IncidentDesk, duty: DutyDesk, access: AccessControl, settings: APISettings, metrics: DeskMetrics,
        refusals: RefusalLog, events: EventHub = EventHub()
    ) -> some HTTPResponder<DeskRequestContext> {
        // The route table is needed by the middleware, which must be added before the routes:
        // collect it from a first registration, then build the real router.
        let table = RouteTable(
            registeredRoutes(desk: desk, duty: duty, access: access).map {
                (HTTPRequest.Method($0.method) ?? .get, $0.path)
            })
        let router = Router(context: DeskRequestContext.self)
        // Outermost, so refused requests are measured too (a no-op until deskd bootstraps swift-metrics).
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware(routes: table, settings: settings))
        // Inside the problem middleware, so refusals are problem+json too.
        let limiter = RateLimiter(limits: settings.rateLimits, anonymous: settings.anonymousRateLimit)
        router.add(
            middleware: AccessMiddleware(
                access: access, routes: table, limiter: limiter, refusals: refusals))
        router.add(middleware: RateLimitMiddleware(limiter: limiter))
        // After access: keys are per principal.
        router.add(middleware: IdempotencyMiddleware(desk: desk, routes: table, maxBodyBytes: settings.maxBodyBytes))
        registerRoutes(
            on: router, desk: desk, duty: duty, access: access, settings: settings, metrics: metrics, events: events)
        return router.buildResponder()
    }
}
