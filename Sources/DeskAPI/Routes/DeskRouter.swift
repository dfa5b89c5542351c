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

/// The routes registered so far: (method, path, roles).
final class RouteRegistrations: @unchecked Sendable {
    // `@unchecked Sendable`: filled while the router is being built, before any request is served;
    // read once afterwards to make the `RouteTable`.
    private(set) var entries: [(method: HTTPRequest.Method, path: String, roles: Set<AccessRole>)] = []

    func add(method: HTTPRequest.Method, path: String, roles: Set<AccessRole>) {
        entries.append((method, path, roles))
    }
}
