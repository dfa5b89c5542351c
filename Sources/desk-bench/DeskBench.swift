import DeskConfig
import DeskCore
import Foundation

/// `desk-bench [ROOT] [classifier|pipeline]`: how fast the classifier is on the labelled reports,
/// and how fast the write pipeline stores reports without HTTP (`PipelineBench`); both unless one
/// is named. `desk-bench ROOT history FILE` writes the trends tests' history (`StatsHistory`);
/// `desk-bench ROOT stats [N]` times the trends' queries at N incidents (`StatsBench`);
/// `desk-bench ROOT answers [N]` what keeping the answers' index costs N acknowledgements
/// (`AnswerWriteBench`).
///
/// Run with `make bench` (a release build). Prints the median of several rounds, and a baseline
/// measured in the same run (lower-casing and splitting the same texts) so that figures from
/// noisy machines compare as ratios. Not a test: nothing here fails on timing.
@main
struct DeskBench {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let root = arguments.first ?? FileManager.default.currentDirectoryPath
        let stage = arguments.dropFirst().first
        if stage == "stats" {
            let count = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 1_000_000
            return try await StatsBench(root: root, incidents: count).run()
        }
        if stage == "answers" {
            let count = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 2_000
            return try await AnswerWriteBench(root: root, callOuts: count).run()
        }
        if stage == "history" {
            guard let file = arguments.dropFirst(2).first else { throw BenchError("history: name the file to write") }
            return try await StatsHistory(root: root, file: file).run()
        }
        guard [nil, "classifier", "pipeline"].contains(stage) else {
            throw BenchError("unknown stage \"\(stage ?? "")\": name classifier or pipeline, or neither for both")
        }
        if stage != "pipeline" { try classifierBench(root: root) }
        if stage != "classifier" { try await PipelineBench(root: root).run(rounds: 3) }
    }

    /// The classifier on the labelled reports, against lower-casing and splitting them.
    static func classifierBench(root: String) throws {
        let classifier = try ClassifierRules.load(
            path: root + "/config/classifier.toml", models: ModelFiles.load(directory: root + "/model"))
        let fixtures = root + "/Tests/ClassifierTests/Fixtures"
        var texts: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: fixtures).sorted()
        where name.hasSuffix(".jsonl") {
            let content = try String(contentsOfFile: fixtures + "/" + name, encoding: .utf8)
            for line in content.split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                if let text = object?["text"] as? String { texts.append(text) }
            }
        }
        guard !texts.isEmpty else { throw BenchError("no labelled reports under \(fixtures)") }
        let inputs = texts.map { ClassifierInput(text: $0, now: Date(timeIntervalSince1970: 1_790_000_000)) }
        let passes = 200
        let rounds = 9

        var checksum = 0
        let classify = measure(rounds: rounds) {
            for _ in 0..<passes {
                for input in inputs { checksum &+= classifier.classify(input).severity }
            }
        }
        let baseline = measure(rounds: rounds) {
            for _ in 0..<passes {
                for text in texts { checksum &+= text.lowercased().split(separator: " ").count }
            }
        }
        let count = Double(passes * inputs.count)
        let perClassification = classify / count
        print("texts: \(inputs.count) labelled reports, \(passes) passes per round, \(rounds) rounds (median)")
        print(
            String(
                format: "classify:  %.2f µs per report, %.0f reports/s", perClassification * 1e6, 1 / perClassification)
        )
        print(String(format: "baseline:  %.2f µs per report (lowercased + split)", baseline / count * 1e6))
        print(String(format: "ratio:     %.1f× the baseline", classify / baseline))
        print("checksum:  \(checksum)")
        if let model = classifier.model {
            let floats = model.weights.count + model.denseWeights.count + model.bias.count
            let mebibytes = Double(floats * MemoryLayout<Float>.size) / 1_048_576
            print(String(format: "model:     %.1f MiB of weights in memory", mebibytes) + " (\(model.version))")
        }
    }

    /// The median wall time, in seconds, of `rounds` runs of `work`.
    static func measure(rounds: Int, _ work: () -> Void) -> Double {
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<rounds {
            let elapsed = clock.measure(work)
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        return median(times)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
