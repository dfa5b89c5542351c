import DeskTestSupport
import Foundation
import Testing

/// ARCHITECTURE.md names files and folders for a newcomer to open and copy; each must exist, so
/// that the map cannot go stale silently when a file is renamed or moved.
@Suite(.ownThread) struct ArchitectureMapTests {
    /// Every `backticked` path on the page (a name with a file ending, or with a slash) is a file
    /// or folder of the repository: the whole path from the root, or its last components (the page
    /// says `Routes/ReportRoutes.swift` for Sources/DeskAPI/Routes/ReportRoutes.swift); `*` stands
    /// for any characters within one name.
    @Test func everyPathTheArchitecturePageNamesExists() throws {
        let page = try String(contentsOfFile: repositoryRoot + "/ARCHITECTURE.md", encoding: .utf8)
        let named = Self.paths(in: page)
        #expect(named.count > 40, "\(named)")
        let (files, folders) = Self.repositoryPaths()
        #expect(files.contains("Sources/DeskCore/Ports/CommandPipeline.swift"))
        var missing: [String] = []
        for path in named {
            // `Server/` is a folder; `Tests/console` a file or a folder.
            let isFolder = path.hasSuffix("/")
            let wanted = try Self.pattern(isFolder ? String(path.dropLast()) : path)
            let found = (isFolder ? folders : files.union(folders)).contains { candidate in
                Self.tails(of: candidate).contains { $0.wholeMatch(of: wanted) != nil }
            }
            if !found { missing.append(path) }
        }
        #expect(missing.isEmpty, "ARCHITECTURE.md names paths that do not exist: \(missing)")
    }

    /// A name that does not exist is found missing (the check can fail).
    @Test func aPathThatDoesNotExistIsFoundMissing() throws {
        let (files, _) = Self.repositoryPaths()
        let wanted = try Self.pattern("Routes/NoSuchRoutes*.swift")
        #expect(!files.contains { Self.tails(of: $0).contains { $0.wholeMatch(of: wanted) != nil } })
        #expect(
            Self.paths(in: "see `Routes/X.swift`, `Server/`, `deskctl report` and `/v1/reports`") == [
                "Routes/X.swift", "Server/",
            ])
    }

    /// The backticked names that look like paths: with a slash, or ending in a file extension;
    /// not URLs' paths (`/v1/…`) or places outside the repository (`../…`).
    static func paths(in page: String) -> [String] {
        let extensions = ["swift", "js", "css", "html", "md", "toml", "yaml", "py", "json", "sh", "catalog"]
        let pathCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "/_.+*-"))
        var found: [String] = []
        let spans = page.components(separatedBy: "`")
        for (index, text) in spans.enumerated() where index % 2 == 1 {
            guard !text.isEmpty, text.unicodeScalars.allSatisfy(pathCharacters.contains),
                !text.hasPrefix("../"), !text.hasPrefix("/")
            else { continue }
            let last = text.split(separator: "/").last.map(String.init) ?? text
            if text.contains("/") || extensions.contains(where: { last.hasSuffix("." + $0) }) { found.append(text) }
        }
        return found
    }

    /// `glob` as a regular expression: `*` is any characters but a slash, everything else itself.
    static func pattern(_ glob: String) throws -> Regex<AnyRegexOutput> {
        let escaped = glob.split(separator: "*", omittingEmptySubsequences: false)
            .map { NSRegularExpression.escapedPattern(for: String($0)) }
        return try Regex(escaped.joined(separator: "[^/]*"))
    }

    /// `a/b/c`, `b/c` and `c`.
    static func tails(of path: String) -> [String] {
        let parts = path.split(separator: "/")
        return parts.indices.map { parts[$0...].joined(separator: "/") }
    }

    /// The repository's files and folders, relative to its root, without .build and .git.
    static func repositoryPaths() -> (files: Set<String>, folders: Set<String>) {
        var files = Set<String>()
        var folders = Set<String>()
        let root = URL(fileURLWithPath: repositoryRoot)
        guard
            let walk = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isDirectoryKey], options: [])
        else { return (files, folders) }
        for case let url as URL in walk {
            let relative = String(url.path.dropFirst(root.path.count + 1))
            let isFolder = (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? false
            if isFolder, relative == ".build" || relative == ".git" || relative.hasSuffix("/__pycache__") {
                walk.skipDescendants()
                continue
            }
            if isFolder { folders.insert(relative) } else { files.insert(relative) }
        }
        return (files, folders)
    }
}
