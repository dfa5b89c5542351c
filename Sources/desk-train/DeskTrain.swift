import DeskConfig
import DeskCore
import Foundation

/// `desk-train`: scores labelled reports with the classifier as it is.
///
///     desk-train ROOT score FILE...   the shipped classifier on each file: overall, per language
///                                     and phase, unclassified count (with --misses, each miss)
@main
struct DeskTrain {
    static func main() {
        do {
            try run(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("desk-train: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ arguments: [String]) throws {
        guard arguments.count >= 2 else { throw TrainError("usage: desk-train ROOT score [--misses] FILE...") }
        let root = arguments[0]
        let classifier = try ClassifierRules.load(path: root + "/config/classifier.toml")
        switch arguments[1] {
        case "score":
            let showMisses = arguments.contains("--misses")
            for path in arguments.dropFirst(2) where path != "--misses" {
                let tally = score(try LabelledCorpus.read(path), with: classifier)
                print("\(path): \(tally.summary)")
                if showMisses { for miss in tally.misses { print("  miss \(miss)") } }
            }
        default:
            throw TrainError("unknown command \(arguments[1]) (score)")
        }
    }

    /// Classifies each report's text alone, as of a fixed moment, and tallies the answers.
    static func score(_ reports: [LabelledReport], with classifier: Classifier) -> Tally {
        var tally = Tally()
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        for report in reports {
            tally.add(report, answer: classifier.classify(ClassifierInput(text: report.text, now: now)).phase)
        }
        return tally
    }
}
