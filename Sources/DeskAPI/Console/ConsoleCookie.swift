import Foundation
import HTTPTypes

/// The console's session cookie and the headers of console pages.
///
/// The cookie alone is never enough (security review M1): cookies ignore ports, so any listener on
/// another port of the desk's host receives it. Every cookie-authenticated request must also show
/// the session's second secret in `X-Desk-CSRF`, which the page keeps in its own origin's storage
/// (see `ConsoleSessions.proof(_:)`).
enum ConsoleCookie {
    /// The cookie's name over plain HTTP (deskd's loopback listener).
    static let plainName = "desk_session"
    /// Its name behind TLS: a browser accepts a `__Host-` cookie only with `Secure`, `Path=/` and no
    /// `Domain`, so no sibling host can plant or overwrite it (cookie tossing, review L5).
    static let hostName = "__Host-desk_session"
    /// The header every cookie-authenticated request must carry: the session's second secret
    /// (its "CSRF token", handed out only by sign-in).
    static let csrfHeader = HTTPField.Name("X-Desk-CSRF")
    /// Session cookies looked at in one request, at most.
    static let maxCandidates = 8

    /// The cookie's name for a request over TLS (`secure`) or plain HTTP.
    static func name(secure: Bool) -> String { secure ? hostName : plainName }

    /// Every value of the session cookie a request may use, in the order sent: `__Host-desk_session`
    /// behind TLS (`secure`: a trusted proxy says so), `desk_session` otherwise (a cookie of the other name is ignored). There may be
    /// several: a listener on another port of this host can set one too, and the page's secret
    /// decides which is the browser's own.
    static func secrets(in headers: HTTPFields, secure: Bool) -> [String] {
        let wanted = name(secure: secure)
        var found: [String] = []
        for field in headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == wanted {
                    let value = parts[1].trimmingCharacters(in: .whitespaces)
                    if !value.isEmpty { found.append(value) }
                    if found.count == maxCandidates { return found }
                }
            }
        }
        return found
    }

    /// The first session cookie of a request (whether it brings one at all), if any.
    static func secret(in headers: HTTPFields, secure: Bool) -> String? { secrets(in: headers, secure: secure).first }

    /// `Set-Cookie` for a new session: HttpOnly, SameSite=Strict, expiring; `__Host-` and Secure behind TLS.
    static func setting(_ secret: String, maxAge: Int, secure: Bool) -> String {
        "\(name(secure: secure))=\(secret); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
            + (secure ? "; Secure" : "")
    }

    /// `Set-Cookie` that removes the cookie.
    static func clearing(secure: Bool) -> String {
        "\(name(secure: secure))=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// Headers of every console page and asset: the strict CSP and friends.
    static func pageHeaders(contentType: String, cache: String = "no-cache") -> HTTPFields {
        var headers: HTTPFields = [
            .contentType: contentType, .contentSecurityPolicy: ConsoleAssets.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff", .cacheControl: cache,
        ]
        if let referrer = HTTPField.Name("Referrer-Policy") { headers[referrer] = "no-referrer" }
        if let frames = HTTPField.Name("X-Frame-Options") { headers[frames] = "DENY" }
        return headers
    }
}
