import DeskCore
import Hummingbird

/// What every console sign-in passes, whichever way it comes (a pasted token, a one-time code):
/// the anonymous allowance of the client's address for failed attempts (as any request without
/// valid credentials, with the refusal in `RefusalLog`), and a sign-in allowance per address and
/// per principal for the ones that succeed, so that nobody can fill the session table.
struct SignInGate: Sendable {
    let limiter: RateLimiter
    let refusals: RefusalLog
    let clients: ClientAddresses

    /// Whether the browser reached deskd over TLS: `X-Forwarded-Proto: https` from a trusted proxy.
    func isSecure(_ request: Request, _ context: DeskRequestContext) -> Bool {
        clients.isSecure(peer: context.peerAddress, headers: request.headers)
    }

    /// Lets a sign-in attempt from the request's client be checked; 429 when the address has spent
    /// its allowance of failed ones. `remembered` says whether what it presents costs no lookup
    /// (a token checked before), which is let through anyway.
    func admit(_ request: Request, _ context: DeskRequestContext, remembered: Bool = false) throws -> String {
        let address = clients.client(request, context)
        if !remembered, let wait = limiter.anonymousWait(address: address) {
            throw AccessMiddleware.throttled(address, wait)
        }
        return address
    }

    /// Records a refused attempt from `address` (and answers 429 once it is over its allowance).
    func refused(_ request: Request, address: String, _ error: DeskError) throws -> Never {
        refusals.record(
            status: error.isUnauthenticated ? 401 : 403, peer: "tcp:\(address)",
            reason: "\(request.method.rawValue) \(request.uri.path): \(error)")
        if error.isUnauthenticated, let wait = limiter.chargeAnonymous(address: address) {
            throw AccessMiddleware.throttled(address, wait)
        }
        throw error
    }

    /// Counts a successful sign-in of `principal` from `address`; 429 when either is over its allowance.
    func signingIn(_ principal: Principal, address: String) throws {
        guard let wait = limiter.chargeSignIn(address: address, principal: principal) else { return }
        let seconds = max(1, Int(wait.rounded(.up)))
        refusals.record(status: 429, peer: "tcp:\(address)", reason: "console sign-in of \(principal.actor)")
        throw APIProblem(
            status: .tooManyRequests, slug: "rate-limited", title: "Too many sign-ins",
            detail:
                "\(principal.actor) or \(address) signed in to the console too often; try again in \(seconds) s"
        ).retrying(after: seconds)
    }
}
