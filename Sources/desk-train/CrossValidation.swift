import DeskCore
import Foundation

extension DeskTrain {
    /// Cross-validation of the whole classifier: rules and a model fitted on the other folds.
    ///
    /// With `folds`, K folds stratified by language and phase (seeded, so a run repeats); with nil,
    /// one fold per corpus file (leave one file out): each batch is scored by a model that never
    /// saw a sentence by its writer, which is closer to the blind scores.
    static func crossValidate(
        root: String, lexicon: Lexicon, trainer: Trainer, identifier: LanguageIdentifier, folds: Int?,
        showMisses: Bool
    ) throws {
        let all = try corpus(root: root)
        let examples = try examples(all.map(\.report), lexicon: lexicon, trainer: trainer)
        var fold = [Int](repeating: 0, count: all.count)
        let count: Int
        let title: String
        if let folds {
            guard folds >= 2 else { throw TrainError("--folds must be 2 or more") }
            count = folds
            title = "\(folds)-fold cross-validation (stratified by language and phase, seed 2026)"
            // Stratified: each language × phase group is shuffled (seeded) and dealt round the folds.
            var random = SplitMix64(seed: 2026)
            let groups = Dictionary(grouping: all.indices) { all[$0].report.lang + "/" + all[$0].report.phase }
            for key in groups.keys.sorted() {
                var members = groups[key] ?? []
                for index in stride(from: members.count - 1, to: 0, by: -1) {
                    members.swapAt(index, Int(random.next() % UInt64(index + 1)))
                }
                for (position, member) in members.enumerated() { fold[member] = position % folds }
            }
        } else {
            let files = Array(Set(all.map(\.file))).sorted()
            count = files.count
            title = "leave-one-file-out cross-validation (\(files.count) files)"
            for index in all.indices { fold[index] = files.firstIndex(of: all[index].file) ?? 0 }
        }
        var tally = Tally()
        var byFile: [String: Tally] = [:]
        // Reports named in a language the lexicon does not read: right or not, and the confidence.
        var unfamiliar: [(right: Bool, confidence: Double)] = []
        for current in 0..<count {
            let training = examples.indices.filter { fold[$0] != current }
            let classifier = try fitted(
                training.map { all[$0].report }, examples: training.map { examples[$0] }, lexicon: lexicon,
                trainer: trainer, identifier: identifier)
            for index in all.indices where fold[index] == current {
                let (file, report) = all[index]
                let answer = classifier.classify(ClassifierInput(text: report.text, now: now))
                tally.add(report, answer)
                if !classifier.familiarLanguages.contains(answer.language ?? "und") {
                    unfamiliar.append((answer.phase.rawValue == report.phase, answer.confidence))
                }
                byFile[file, default: Tally()].add(report, answer)
            }
        }
        print("\(title), \(all.count) reports:")
        print("  \(tally.summary)")
        for file in byFile.keys.sorted() {
            print("  \(file): \(folds == nil ? byFile[file]?.summary ?? "" : byFile[file]?.overall.text ?? "")")
        }
        print("  the other languages (\(unfamiliar.count) reports), by the review threshold for them:")
        for threshold in [0.3, 0.4, 0.5, 0.6, 0.7, 0.8] {
            let passed = unfamiliar.filter { $0.confidence >= threshold }
            let right = passed.filter(\.right).count
            let share = Tally.Count(right: right, total: passed.count).text
            print("    \(threshold): \(unfamiliar.count - passed.count) to review, the rest right \(share)")
        }
        if showMisses { for miss in tally.misses { print("  miss \(miss)") } }
    }
}
