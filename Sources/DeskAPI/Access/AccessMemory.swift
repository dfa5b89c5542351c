/// What access checks remember between requests: checked tokens and responders' status.
///
/// Made before the desk, so that the write pipeline's observer (`APIEffects`) can empty it and the
/// access control made after the desk (`TokenAuthority`, `AccessControl`) can fill it: the three
/// are built in that order, with nothing attached later.
public final class AccessMemory: Sendable {
    /// Tokens checked since the last change to tokens or responders, by the digest of what was presented.
    let tokens = AccessCache<String, TokenAuthority.CachedToken>(capacity: 10_000)
    /// Whether responders are active, by id or local user, since the last change to responders.
    let responders = AccessCache<String, ResponderLookup>(capacity: 4096)

    /// An empty memory.
    public init() {}

    /// Forgets every remembered check: after any write to tokens or responders, before that write
    /// is answered.
    func invalidate() {
        tokens.invalidate()
        responders.invalidate()
    }
}
