/// The short reference a text names a call-out, follow-up or incident by, so that a reply can say
/// which one it answers: the last three hex digits of its id, upper-case (`4F2`).
///
/// UUIDv7 ids end in random bits, so two open call-outs of one responder share a reference about
/// once in 4096; a reply naming a shared reference answers the latest of them.
public enum ShortReference {
    /// The reference of `id`. Example: `ShortReference.of(id) == "4F2"`.
    public static func of(_ id: DeskID) -> String { String(id.rawValue.suffix(3)).uppercased() }

    /// Whether `text` has the form of a reference: three hex digits, any case.
    public static func isReference(_ text: Substring) -> Bool {
        text.count == 3 && text.allSatisfy(\.isHexDigit)
    }
}
