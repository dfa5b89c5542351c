import DeskCore
import Foundation

/// The JSON files under `seeds/`: the areas a desk serves, and demo reports for a first run.
public enum SeedFiles {
    private struct AreaEntry: Decodable {
        var id: String
        var name: String
        var city: String
        var neighbours: [String]?
    }

    private struct AreaFile: Decodable {
        var areas: [AreaEntry]
    }

    /// One demo report and what happens to its incident afterwards.
    public struct DemoReport: Decodable, Sendable {
        public var area: String
        public var text: String
        public var title: String?
        public var location: String?
        public var injured: Int?
        public var ongoing: Bool?
        public var category: DeskCore.Category?
        public var phase: Phase?
        /// Notes added after the report, in order.
        public var notes: [String]?
        /// When set, the incident is closed with this outcome.
        public var closeOutcome: String?

        enum CodingKeys: String, CodingKey {
            case area, text, title, location, injured, ongoing, category, phase, notes
            case closeOutcome = "close_outcome"
        }

        /// What the demo reporter says.
        public var fields: ReportFields {
            ReportFields(
                area: area, text: text, title: title, location: location, injured: injured, ongoing: ongoing,
                category: category, phase: phase
            )
        }
    }

    private struct DemoFile: Decodable {
        var reports: [DemoReport]
    }

    /// Reads and checks an areas file: ids are unique lower-case slugs, names are unique and
    /// every neighbour is a listed area.
    public static func areas(path: String) throws(ConfigError) -> [Area] {
        let file: AreaFile = try decode(path: path)
        var ids = Set<String>()
        var names = Set<String>()
        for (index, entry) in file.areas.enumerated() {
            let key = "areas[\(index)]"
            guard !entry.id.isEmpty, entry.id.count <= 64,
                entry.id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
                )
            else {
                throw ConfigError(
                    file: path, line: nil, key: key,
                    message: "id \"\(entry.id)\" must be a lower-case slug (a-z, 0-9, -)")
            }
            guard ids.insert(entry.id).inserted else {
                throw ConfigError(file: path, line: nil, key: key, message: "id \(entry.id) is listed twice")
            }
            guard !entry.name.isEmpty, names.insert(entry.name.lowercased()).inserted else {
                throw ConfigError(
                    file: path, line: nil, key: key, message: "name \"\(entry.name)\" is empty or listed twice")
            }
        }
        for (index, entry) in file.areas.enumerated() {
            for neighbour in entry.neighbours ?? [] where !ids.contains(neighbour) || neighbour == entry.id {
                throw ConfigError(
                    file: path, line: nil, key: "areas[\(index)].neighbours",
                    message: "\(neighbour) is not another listed area"
                )
            }
        }
        return file.areas.map { Area(id: $0.id, name: $0.name, city: $0.city, neighbours: $0.neighbours ?? []) }
    }

    /// Reads a demo reports file.
    public static func demoReports(path: String) throws(ConfigError) -> [DemoReport] {
        let file: DemoFile = try decode(path: path)
        return file.reports
    }

    /// A roster file, as `deskctl roster export` writes it (times RFC 3339).
    public static func roster(path: String) throws(ConfigError) -> Roster {
        try decode(path: path)
    }

    private static func decode<Value: Decodable>(path: String) throws(ConfigError) -> Value {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(
                file: path, line: nil, key: nil, message: "cannot read the file (\(DeskConfiguration.reason(error)))")
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .custom { decoder in
                let container = try decoder.singleValueContainer()
                let text = try container.decode(String.self)
                guard let date = Timestamp.parse(text) ?? ISO8601DateFormatter().date(from: text) else {
                    throw DecodingError.dataCorruptedError(
                        in: container, debugDescription: "must be an RFC 3339 time (got \"\(text)\")")
                }
                return date
            }
            return try decoder.decode(Value.self, from: data)
        } catch let error as DecodingError {
            throw ConfigError(file: path, line: nil, key: nil, message: describe(error))
        } catch {
            throw ConfigError(file: path, line: nil, key: nil, message: "\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): is required"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "could not be read"
        }
    }
}
