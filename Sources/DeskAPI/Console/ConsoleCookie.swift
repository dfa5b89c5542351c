import Foundation
import HTTPTypes

/// The console's session cookie and the headers of console pages.
enum ConsoleCookie {
    static let name = "desk_session"
    /// The header a cookie-authenticated write must carry, equal to the session's CSRF token.
    static let csrfHeader = HTTPField.Name("X-Desk-CSRF")

    /// The session secret in a request's `Cookie` headers, if any.
    static func secret(in headers: HTTPFields) -> String? {
        for field in headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    let value = parts[1].trimmingCharacters(in: .whitespaces)
                    if !value.isEmpty { return value }
                }
            }
        }
        return nil
    }

    /// `Set-Cookie` for a new session: HttpOnly, SameSite=Strict, Secure behind TLS, expiring.
    static func setting(_ secret: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(secret); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// `Set-Cookie` that removes the cookie.
    static func clearing(secure: Bool) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
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
