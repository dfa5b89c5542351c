/// One change to the desk: a use case (a report, a note, a call-out answer, a roster import, …)
/// as a value. The write pipeline runs it in the group-commit writer's transaction: it reads the
/// state through `DeskTransaction`, applies the pure rule (`IncidentRules`, `DutyRules`) and
/// writes rows and events, all or nothing.
///
/// Work that needs no state (validating, classifying) is done before, when the command is made,
/// outside the writer: `execute` should do only what must see the current state.
public protocol DeskCommand: Sendable {
    /// What the command answers (an updated incident, a call-out, a summary).
    associatedtype Outcome: Sendable

    /// Who may run it. Finer checks that need the state (a responder answers only their own
    /// call-outs) are made in `execute`, by the rule.
    static var policy: CommandPolicy { get }

    /// Reads, decides and writes in `transaction`; throws, having written nothing that stays, when
    /// the rule refuses. `context` says who runs it, when, and under which settings.
    func execute(in transaction: any DeskTransaction, _ context: CommandContext) throws -> Outcome
}

/// Who may run a command: its roles. Declared with each command, so that a new command states
/// who may use it where it is written.
public struct CommandPolicy: Sendable, Hashable {
    /// The roles allowed.
    public let roles: Set<AccessRole>

    /// A policy allowing `roles`.
    public init(_ roles: Set<AccessRole>) { self.roles = roles }

    /// Duty officers and admins: reports and every change to incidents.
    public static let officers = CommandPolicy([.officer, .admin])
    /// Responders (for themselves), officers and admins: call-out answers and follow-ups.
    public static let responders = CommandPolicy([.responder, .officer, .admin])
    /// Admins only: tokens, responders, the roster, purges.
    public static let admins = CommandPolicy([.admin])
    /// The desk itself (timers, seeding): no request may run these.
    public static let system = CommandPolicy([])

    /// Throws `forbidden`, naming who may, unless `principal` may run a command named `name`.
    public func check(_ principal: Principal, running name: String) throws(DeskError) {
        guard !roles.contains(principal.role) else { return }
        let allowed = AccessRole.allCases.filter(roles.contains).map(\.rawValue).joined(separator: ", ")
        throw DeskError.forbidden(
            "\(principal.actor) has the role \(principal.role.rawValue); \(name) needs one of: "
                + (allowed.isEmpty ? "none (the desk does it itself)" : allowed))
    }
}
