import HTTPTypes

extension ConsoleSessions {
    /// What a request's session cookies and `X-Desk-CSRF` header amount to.
    enum Proof {
        /// A live session whose second secret the header shows: the browser's own.
        case proven(secret: String, session: Session)
        /// A cookie names a live session, but the header is missing or shows another secret.
        case unproven
        /// No cookie names a live session.
        case ended
    }

    /// Looks up each session cookie of `headers` (by its name behind TLS when `secure`) and keeps
    /// the one whose second secret the page presents in `X-Desk-CSRF` (compared in constant time):
    /// a cookie alone, which any listener on another port of this host may have received or
    /// planted, proves nothing.
    func proof(_ headers: HTTPFields, secure: Bool) async throws -> Proof {
        let presented = ConsoleCookie.csrfHeader.flatMap { headers[$0] }
        var live = false
        for secret in ConsoleCookie.secrets(in: headers, secure: secure) {
            guard let session = try await session(secret: secret) else { continue }
            live = true
            if let presented, TokenAuthority.constantTimeEqual(presented, session.csrfToken) {
                return .proven(secret: secret, session: session)
            }
        }
        return live ? .unproven : .ended
    }
}
