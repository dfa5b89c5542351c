import DeskCore

/// Which roles may call which route. A route missing here is for admins only, so a new endpoint
/// is closed until someone decides who may use it.
enum RoutePermissions {
    private static let readers: Set<AccessRole> = [.viewer, .responder, .officer, .admin]
    private static let officers: Set<AccessRole> = [.officer, .admin]
    private static let responders: Set<AccessRole> = [.responder, .officer, .admin]
    private static let admins: Set<AccessRole> = [.admin]

    static let table: [String: Set<AccessRole>] = [
        "GET /v1/openapi.yaml": readers,
        "GET /readyz": readers,
        "GET /metrics": readers,
        "GET /v1/areas": readers,
        // The whole timeline spans every area: not for responders, who read their own areas.
        "GET /v1/timeline": [.viewer, .officer, .admin],
        // Hashes the whole timeline: for those who answer for it, one at a time.
        "GET /v1/verify": officers,
        "GET /v1/incidents": readers,
        "GET /v1/incidents/{id}": readers,
        "GET /v1/incidents/{id}/timeline": readers,
        "POST /v1/classify": readers,
        "POST /v1/reports": officers,
        "POST /v1/incidents/{id}/notes": officers,
        "POST /v1/incidents/{id}/phase": officers,
        "POST /v1/incidents/{id}/confirm": officers,
        "POST /v1/incidents/{id}/split": officers,
        "POST /v1/incidents/{id}/close": officers,
        "POST /v1/incidents/{id}/reopen": officers,
        "POST /v1/backups": admins,
        "GET /v1/roster": readers,
        "GET /v1/roster/export": officers,
        "PUT /v1/roster": admins,
        "GET /v1/responders": officers,
        "POST /v1/responders": admins,
        "PATCH /v1/responders/{id}": admins,
        "POST /v1/overrides": officers,
        "GET /v1/callouts": readers,
        "POST /v1/callouts/{id}/ack": responders,
        "POST /v1/callouts/{id}/decline": responders,
        "GET /v1/followups": readers,
        "POST /v1/followups/{id}/done": responders,
        "GET /v1/tokens": admins,
        "POST /v1/tokens": admins,
        "DELETE /v1/tokens/{name}": admins,
        "GET /v1/incidents/{id}/export": officers,
        "POST /v1/purge": admins,
        // The duty console (deskctl console hands out codes over the Unix socket only).
        "POST /v1/console/codes": readers,
        "GET /v1/console/me": readers,
        "GET /v1/console/board": readers,
        "GET /v1/console/sessions": admins,
        "DELETE /v1/console/sessions/{id}": admins,
        // Filtered by what the principal may see (a responder: their areas' incidents).
        "GET /v1/events": readers,
    ]

    /// The roles allowed `method path-pattern`.
    static func roles(_ method: String, _ pattern: String) -> Set<AccessRole> {
        table["\(method) \(pattern)"] ?? admins
    }
}
