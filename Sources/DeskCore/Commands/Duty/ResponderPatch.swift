/// The fields of a responder to change; nil leaves a field as it is.
public struct ResponderPatch: Sendable, Hashable {
    public var name: String?
    public var contact: String?
    public var roles: [DutyRole]?
    public var areas: [String]?
    /// `.some(nil)` removes the binding.
    public var unixUser: String??
    public var active: Bool?
    /// `.some(nil)` removes the responder's own language (texts then follow their number).
    public var language: TextLanguage??

    /// Creates a patch.
    public init(
        name: String? = nil, contact: String? = nil, roles: [DutyRole]? = nil, areas: [String]? = nil,
        unixUser: String?? = nil, active: Bool? = nil, language: TextLanguage?? = nil
    ) {
        self.name = name
        self.contact = contact
        self.roles = roles
        self.areas = areas
        self.unixUser = unixUser
        self.active = active
        self.language = language
    }

    func applied(to responder: Responder) -> Responder {
        var changed = responder
        if let name { changed.name = name }
        if let contact { changed.contact = contact }
        if let roles { changed.roles = roles }
        if let areas { changed.areas = areas }
        if let unixUser { changed.unixUser = unixUser }
        if let active { changed.active = active }
        if let language { changed.language = language }
        return changed
    }

    var changedFields: [String] {
        [
            name.map { _ in "name" }, contact.map { _ in "contact" }, roles.map { _ in "roles" },
            areas.map { _ in "areas" }, unixUser.map { _ in "unix_user" }, active.map { _ in "active" },
            language.map { _ in "language" },
        ].compactMap { $0 }
    }
}
