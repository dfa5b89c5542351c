import DeskAPI
import DeskCore
import DeskStorage
import Foundation
import Testing

/// Reads `paths:` of an OpenAPI YAML document: every path with its operations.
func documentedOperations(_ yaml: String) -> Set<String> {
    var operations = Set<String>()
    var inPaths = false
    var currentPath: String?
    for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
        if !line.hasPrefix(" ") && !line.isEmpty { inPaths = line == "paths:" }
        guard inPaths else { continue }
        if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
            currentPath = String(line.dropFirst(2).dropLast())
        } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     ") {
            let key = line.trimmingCharacters(in: .whitespaces).dropLast()
            if ["get", "post", "put", "patch", "delete"].contains(key) {
                operations.insert("\(key.uppercased()) \(path)")
            }
        }
    }
    return operations
}

@Suite struct OpenAPITests {
    @Test func everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        try await TestServer.with { server in
            let yaml = try await server.send(.tcp, .GET, "/v1/openapi.yaml").text
            let documented = documentedOperations(yaml)
            let routes = DeskHTTP.registeredRoutes(desk: server.desk, access: server.access).map {
                "\($0.method) \($0.path)"
            }
            let registered = Set(routes)
            // Each route registered once (a second registration would silently win or lose).
            #expect(
                registered.count == routes.count,
                "registered twice: \(routes.filter { r in routes.filter { $0 == r }.count > 1 })")
            #expect(registered.subtracting(documented).isEmpty, "undocumented: \(registered.subtracting(documented))")
            #expect(
                documented.subtracting(registered).isEmpty,
                "documented but not served: \(documented.subtracting(registered))")
        }
    }

    @Test func theServedDocumentIsTheOneInTheRepository() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("Sources/DeskAPI/openapi.yaml"), encoding: .utf8)
        try await TestServer.with { server in
            let served = try await server.send(.unix, .GET, "/v1/openapi.yaml").text
            #expect(served == file)
        }
    }
}
