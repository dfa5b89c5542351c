import DeskCore
import HTTPTypes
import Hummingbird

/// Registers routes on the router with who may call each: a write by its command's policy
/// (`DeskCommand.policy`), a read by the roles it names. The table `AccessMiddleware` checks is
/// made from these registrations, so a route's policy is written where the route is.
struct DeskRouter {
    let router: Router<DeskRequestContext>
    /// Collects every registration, with its roles.
    let table: RouteRegistrations

    /// Everyone who reads the desk: viewers, responders, officers, admins (not `metrics`).
    static let readers: Set<AccessRole> = [.viewer, .responder, .officer, .admin]
    /// Readers and the `metrics` role: what a scraper or a load balancer's check reads.
    static let monitors: Set<AccessRole> = readers.union([.metrics])
    static let officers = CommandPolicy.officers.roles
    static let admins = CommandPolicy.admins.roles

    typealias Handler = @Sendable (Request, DeskRequestContext) async throws -> Response

    /// A read (or a write that is no command) allowed to `roles`.
    func on(
        _ method: HTTPRequest.Method, _ path: RouterPath, allow roles: Set<AccessRole>, _ handler: @escaping Handler
    ) {
        table.add(method: method, path: path.description, roles: roles)
        router.on(path, method: method, use: handler)
    }

    /// A route anyone may call without credentials: it authenticates its caller itself, or needs
    /// none (the console's page, assets, sign-in and sign-out, the SMS gateways' texts, `/healthz`).
    /// `AccessMiddleware` lets a request through when the route it matches was registered so.
    func anyone(_ method: HTTPRequest.Method, _ path: RouterPath, _ handler: @escaping Handler) {
        table.add(method: method, path: path.description, roles: Set(AccessRole.allCases), isPublic: true)
        router.on(path, method: method, use: handler)
    }

    /// `GET path` for `roles`.
    func get(_ path: RouterPath, allow roles: Set<AccessRole>, _ handler: @escaping Handler) {
        on(.get, path, allow: roles, handler)
    }

    /// A write that runs `Command`: allowed to whoever the command's policy allows.
    func on<Command: DeskCommand>(
        _ method: HTTPRequest.Method, _ path: RouterPath, runs command: Command.Type, _ handler: @escaping Handler
    ) {
        on(method, path, allow: Command.policy.roles, handler)
    }
}

/// The routes registered so far: (method, path, roles), and the `RouteTable` made of them, which
/// the middleware reads (404 or 405, roles). The router is registered once: the middleware, added
/// before the routes as Hummingbird requires, holds this object and reads the table it has by
/// the time requests come.
final class RouteRegistrations: @unchecked Sendable {
    // `@unchecked Sendable`: written only while the router is being built, before any request is
    // served (`DeskHTTP.responder` registers every route before it returns the responder); only
    // read afterwards, by any number of requests at once.
    private(set) var entries: [RouteTable.Registration] = []
    /// The table of `entries`.
    private(set) var table = RouteTable([])

    /// No routes yet.
    init() {}

    /// These routes, none public (for tests of the middleware alone).
    init(_ entries: [(method: HTTPRequest.Method, path: String, roles: Set<AccessRole>)]) {
        self.entries = entries.map { ($0.method, $0.path, $0.roles, false) }
        table = RouteTable(self.entries)
    }

    func add(method: HTTPRequest.Method, path: String, roles: Set<AccessRole>, isPublic: Bool = false) {
        entries.append((method, path, roles, isPublic))
        table = RouteTable(entries)
    }
}
