/// The console's static files, embedded in the binary at build time (SwiftPM `embedInCode`,
/// listed in Package.swift) from `Sources/DeskAPI/Console/Assets/`.
public enum ConsoleAssets {
    /// One embedded file.
    public struct File: Sendable {
        /// The file's content.
        public let bytes: [UInt8]
        /// Its media type, as served.
        public let contentType: String
    }

    /// Every file by name, as served under `/console/assets/NAME` (`index.html` at `/`).
    public static let files: [String: File] = [
        "index.html": File(bytes: PackageResources.index_html, contentType: "text/html; charset=utf-8"),
        "style.css": File(bytes: PackageResources.style_css, contentType: "text/css; charset=utf-8"),
        "app.js": File(bytes: PackageResources.app_js, contentType: "text/javascript; charset=utf-8"),
        "api.js": File(bytes: PackageResources.api_js, contentType: "text/javascript; charset=utf-8"),
        "live.js": File(bytes: PackageResources.live_js, contentType: "text/javascript; charset=utf-8"),
        "dom.js": File(bytes: PackageResources.dom_js, contentType: "text/javascript; charset=utf-8"),
        "i18n.js": File(bytes: PackageResources.i18n_js, contentType: "text/javascript; charset=utf-8"),
        "board.js": File(bytes: PackageResources.board_js, contentType: "text/javascript; charset=utf-8"),
        "report.js": File(bytes: PackageResources.report_js, contentType: "text/javascript; charset=utf-8"),
        "incident.js": File(bytes: PackageResources.incident_js, contentType: "text/javascript; charset=utf-8"),
        "duty.js": File(bytes: PackageResources.duty_js, contentType: "text/javascript; charset=utf-8"),
        "trends.js": File(bytes: PackageResources.trends_js, contentType: "text/javascript; charset=utf-8"),
    ]

    /// The Content-Security-Policy of every console page: scripts, styles and connections from
    /// deskd itself only; no inline script or style, no frames, no plug-ins.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}
