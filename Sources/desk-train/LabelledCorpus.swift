import DeskCore
import Foundation

/// One labelled report of the corpus (`{"lang":"sv","phase":"during","text":"..."}`).
struct LabelledReport: Decodable {
    var lang: String
    var phase: String
    var text: String
    /// The writer's English translation (the residents' languages' files): read only by
    /// `categories`, as the reference the text's category is compared with, never as a feature.
    var gloss: String?
}

/// Reading the JSON-lines corpus files.
enum LabelledCorpus {
    /// The reports of one JSON-lines file; throws with the line number for a line that does not parse.
    static func read(_ path: String) throws -> [LabelledReport] {
        let content = try String(contentsOfFile: path, encoding: .utf8)
        var reports: [LabelledReport] = []
        for (number, line) in content.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            do {
                reports.append(try JSONDecoder().decode(LabelledReport.self, from: Data(line.utf8)))
            } catch {
                throw TrainError("\(path):\(number + 1): not a labelled report (\(error))")
            }
        }
        return reports
    }

    /// The corpus files under `directory` (every `*.jsonl`), sorted by name.
    static func files(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jsonl") }.sorted()
            .map { directory + "/" + $0 }
    }
}

/// A failure of the training tool, printed as it is.
struct TrainError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
