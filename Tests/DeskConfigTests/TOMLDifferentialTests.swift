import DeskConfig
import DeskTestSupport
import Foundation
import Testing

/// Design review W2: the hand-written TOML parser against an oracle, Python's `tomllib`, over the
/// TOML spec's tricky cases (valid and invalid, `Helpers/toml-cases.txt`) and 600 random
/// documents, half of them broken by a small slip (`Helpers/toml-oracle.py`, seeded). Both must
/// accept the same documents with the same values and refuse the same ones.
@Suite(.ownThread) struct TOMLDifferentialTests {
    /// Where TOML 1.0 and tomllib part: tomllib keeps integers beyond 64 bits, which the spec says
    /// must be an error ("If an integer cannot be represented losslessly, an error must be thrown").
    static let specOverOracle: Set<String> = ["spec-integer-overflow.toml"]

    static let helpers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Helpers")

    @Test func theParserAgreesWithTomllib() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "desk-toml-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let oracle = Self.helpers.appendingPathComponent("toml-oracle.py").path
        try Self.python([oracle, "generate", "--seed", "20261206", "--count", "600", "--out", directory.path])
        try Self.python([
            oracle, "cases", Self.helpers.appendingPathComponent("toml-cases.txt").path, "--out", directory.path,
        ])
        let judged = try Self.python([oracle, "judge", directory.path])
        var compared = 0
        var accepted = 0
        var disagreements: [String] = []
        for line in judged.split(separator: "\n") {
            let verdict = try JSONDecoder().decode(Verdict.self, from: Data(line.utf8))
            let text = try String(contentsOf: directory.appendingPathComponent(verdict.file), encoding: .utf8)
            let ours: Tagged?
            do {
                ours = .table(try TOMLParser.parse(text))
            } catch {
                ours = nil
            }
            compared += 1
            if Self.specOverOracle.contains(verdict.file) {
                if ours != nil { disagreements.append("\(verdict.file): accepted, but TOML 1.0 says it is an error") }
                continue
            }
            switch (verdict.value, ours) {
            case (nil, nil): continue
            case (let expected?, let actual?) where expected == actual: accepted += 1
            case (let expected?, let actual?):
                disagreements.append("\(verdict.file): tomllib \(expected), ours \(actual)\n\(text)")
            case (nil, _?):
                disagreements.append("\(verdict.file): tomllib refuses (\(verdict.error ?? "")), ours accepts\n\(text)")
            case (_?, nil): disagreements.append("\(verdict.file): tomllib accepts, ours refuses\n\(text)")
            }
        }
        #expect(compared == 600 + 56, "\(compared) documents compared")
        // Enough of both kinds that agreement means something.
        #expect(accepted > 250 && compared - accepted > 250, "accepted \(accepted) of \(compared)")
        #expect(
            disagreements.isEmpty,
            "\(disagreements.count) disagreements:\n\(disagreements.prefix(8).joined(separator: "\n---\n"))")
    }

    /// Runs python3 with `arguments`; its standard output.
    @discardableResult
    static func python(_ arguments: [String]) throws -> String {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = readToEnd(output.fileHandleForReading)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TOMLOracleFailure(
                description: "python3 \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

struct TOMLOracleFailure: Error, CustomStringConvertible {
    var description: String
}

/// One document as tomllib judged it.
private struct Verdict: Decodable {
    var file: String
    var ok: Bool
    var value: Tagged?
    var error: String?
}

/// A TOML document with every scalar tagged by its type, as the oracle writes it.
private indirect enum Tagged: Decodable, Equatable, CustomStringConvertible {
    case table([String: Tagged])
    case array([Tagged])
    case scalar(type: String, value: String)

    private struct Scalar: Decodable {
        var type: String
        var value: String
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let scalar = try? container.decode(Scalar.self) {
            self = .scalar(type: scalar.type, value: scalar.value)
        } else if let array = try? container.decode([Tagged].self) {
            self = .array(array)
        } else {
            self = .table(try container.decode([String: Tagged].self))
        }
    }

    init(_ value: TOMLValue) {
        switch value {
        case .string(let text): self = .scalar(type: "string", value: text)
        case .integer(let number): self = .scalar(type: "integer", value: String(number))
        case .float(let number): self = .scalar(type: "float", value: "\(number)")
        case .boolean(let flag): self = .scalar(type: "bool", value: flag ? "true" : "false")
        // Kept as written; only the kind is compared (deskd reads no date-time from its configuration).
        case .datetime: self = .scalar(type: "datetime", value: "")
        case .array(let items): self = .array(items.map(Tagged.init))
        case .table(let table): self = .table(table)
        }
    }

    static func table(_ table: TOMLTable) -> Tagged {
        var entries: [String: Tagged] = [:]
        for key in table.keys {
            if let entry = table[key] { entries[key] = Tagged(entry.value) }
        }
        return .table(entries)
    }

    static func == (lhs: Tagged, rhs: Tagged) -> Bool {
        switch (lhs, rhs) {
        case (.table(let a), .table(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.scalar("float", let a), .scalar("float", let b)):
            // Python's repr and Swift's description write floats differently: compare the numbers.
            guard let x = Double(a), let y = Double(b) else { return false }
            return (x.isNaN && y.isNaN) || (x == y && x.sign == y.sign)
        case (.scalar(let typeA, let a), .scalar(let typeB, let b)): return typeA == typeB && a == b
        default: return false
        }
    }

    var description: String {
        switch self {
        case .table(let entries):
            return "{" + entries.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
                + "}"
        case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .scalar(let type, let value): return "\(type) \(value.debugDescription)"
        }
    }
}
