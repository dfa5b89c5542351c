/// Which local users and groups (the Unix socket's peer credentials) get which role.
public struct LocalAccessMap: Sendable, Hashable {
    public var users: [String: AccessRole]
    public var groups: [String: AccessRole]

    /// Creates a map.
    public init(users: [String: AccessRole] = ["root": .admin], groups: [String: AccessRole] = [:]) {
        self.users = users
        self.groups = groups
    }

    /// The role of a local user: their own entry first, else the highest role of their groups.
    public func role(user: String, groups memberOf: [String]) -> AccessRole? {
        if let role = users[user] { return role }
        let roles = memberOf.compactMap { groups[$0] }
        return AccessRole.allCases.last { roles.contains($0) }
    }
}
