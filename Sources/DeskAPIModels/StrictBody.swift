/// A JSON request body that the server reads strictly: no member but those its `CodingKeys` name.
///
/// A body declares its members once, in `CodingKeys`, and derives `allowedMembers` from them
/// (`CodingKeys.wireNames`), so that what the decoder reads and what the server allows cannot drift.
public protocol StrictBody: Decodable {
    /// The member names allowed in each object, by JSON pointer (`""` is the body itself).
    static var allowedMembers: [String: Set<String>] { get }
}
