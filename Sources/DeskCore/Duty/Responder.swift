/// A volunteer or staff member who can be called out.
///
/// Contact details are kept minimal: one handle (a phone number or an address) that the
/// notification receivers use to reach the person.
public struct Responder: Sendable, Hashable, Codable {
    /// A short, stable id chosen by the coordinator, e.g. `r-anna-lindqvist`.
    public var id: String
    public var name: String
    /// A phone number or an address.
    public var contact: String
    public var roles: [DutyRole]
    /// The ids of the areas the responder covers.
    public var areas: [String]
    /// The local Unix user who is this responder on the desk's host (`deskctl` "me").
    public var unixUser: String?
    /// An inactive responder stays in rotations and history but is never called out.
    public var active: Bool
    /// The language texts to the responder are written in (`sv`, `en`); nil: by their number
    /// (Swedish to `+46`, else English).
    public var language: TextLanguage?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, contact, roles, areas, active, language
        case unixUser = "unix_user"
    }

    /// The members a responder has on the wire (`POST /v1/responders` allows no other).
    public static let wireMembers = CodingKeys.wireNames

    /// Decodes a responder; `active` defaults to true, `unix_user` and `language` to none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        contact = try container.decode(String.self, forKey: .contact)
        roles = try container.decode([DutyRole].self, forKey: .roles)
        areas = try container.decode([String].self, forKey: .areas)
        unixUser = try container.decodeIfPresent(String.self, forKey: .unixUser)
        active = try container.decodeIfPresent(Bool.self, forKey: .active) ?? true
        language = try container.decodeIfPresent(TextLanguage.self, forKey: .language)
    }

    /// Creates a responder.
    public init(
        id: String, name: String, contact: String, roles: [DutyRole], areas: [String], unixUser: String? = nil,
        active: Bool = true, language: TextLanguage? = nil
    ) {
        self.id = id
        self.name = name
        self.contact = contact
        self.roles = roles
        self.areas = areas
        self.unixUser = unixUser
        self.active = active
        self.language = language
    }

    /// The language texts to the responder at `number` are written in: their own, else the number's.
    public func textLanguage(at number: PhoneNumber) -> TextLanguage { language ?? number.language }

    /// Responder ids: lower-case letters, digits and `-`, 1-64 characters, starting with a letter.
    public static func isValidID(_ id: String) -> Bool {
        guard (1...64).contains(id.utf8.count), let first = id.unicodeScalars.first, ("a"..."z").contains(first)
        else { return false }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
