/// One page of a list, with the cursor for the next page (nil on the last one).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: PageCursor?

    /// Creates a page.
    public init(items: [Item], nextCursor: PageCursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// Takes the first `limit` of `fetched` (fetched with `limit + 1` rows) and points the cursor
    /// past the last item kept when there was more.
    public static func trimming(_ fetched: [Item], limit: Int, cursor: (Item) -> PageCursor) -> Page {
        guard fetched.count > limit, limit > 0 else { return Page(items: fetched, nextCursor: nil) }
        let items = Array(fetched.prefix(limit))
        return Page(items: items, nextCursor: items.last.map(cursor))
    }
}

/// A position in a list, opaque to clients: base64url text that only this server interprets.
public enum PageCursor: Sendable, Hashable {
    /// After this incident id (lists ordered by id).
    case afterID(DeskID)
    /// After this timeline sequence number.
    case afterSequence(Int64)
    /// After this text key (lists ordered by a text key, such as areas).
    case afterKey(String)

    /// The opaque text form.
    public var token: String {
        let plain: String
        switch self {
        case .afterID(let id): plain = "i:" + id.rawValue
        case .afterSequence(let sequence): plain = "s:" + String(sequence)
        case .afterKey(let key): plain = "k:" + key
        }
        return Base64URL.encode(Array(plain.utf8))
    }

    /// Parses a token this server issued; throws `invalidParameter("cursor", …)` otherwise.
    public init(token: String) throws(DeskError) {
        guard let bytes = Base64URL.decode(token), let plain = String(validating: bytes, as: UTF8.self) else {
            throw DeskError.invalidParameter("cursor", "not a cursor this server issued")
        }
        if plain.hasPrefix("i:"), let id = DeskID(String(plain.dropFirst(2))) {
            self = .afterID(id)
        } else if plain.hasPrefix("s:"), let sequence = Int64(plain.dropFirst(2)), sequence >= 0 {
            self = .afterSequence(sequence)
        } else if plain.hasPrefix("k:") {
            self = .afterKey(String(plain.dropFirst(2)))
        } else {
            throw DeskError.invalidParameter("cursor", "not a cursor this server issued")
        }
    }
}

/// How many items a page holds, and where it starts.
public struct PageRequest: Sendable, Hashable {
    /// The default page size.
    public static let defaultLimit = 50
    /// The largest page size a client may ask for.
    public static let maxLimit = 500

    public var limit: Int
    public var cursor: PageCursor?

    /// Creates a request, checking the limit.
    public init(limit: Int? = nil, cursor: PageCursor? = nil) throws(DeskError) {
        let limit = limit ?? Self.defaultLimit
        guard (1...Self.maxLimit).contains(limit) else {
            throw DeskError.invalidParameter("limit", "must be between 1 and \(Self.maxLimit) (got \(limit))")
        }
        self.limit = limit
        self.cursor = cursor
    }
}
