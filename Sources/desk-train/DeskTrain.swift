import DeskConfig
import DeskCore
import Foundation

/// `desk-train`: the phase model's corpus tool.
///
///     desk-train ROOT score [--misses] FILE...  the classifier as built (rules and shipped model)
///                                               on each file: overall, per language and phase,
///                                               unclassified count
///     desk-train ROOT explain [--fit] TEXT...  every signal of each text's classification (--fit: with
///                                               a model fitted as train does, writing nothing)
///     desk-train ROOT train                     fits the model on every Tests/ClassifierTests/
///                                               Fixtures/*.jsonl and Fixtures/multilingual/*.jsonl and
///                                               writes the weights files in ROOT/model (both phase
///                                               models, the language profiles) and the agreement fixture
///     desk-train ROOT cv [--folds K] [--misses] K-fold cross-validation of the whole classifier
///                                               (rules and a model fitted on the other folds)
///     desk-train ROOT fit-score [--misses] FILE...  fits a model as train does (writing nothing) and
///                                               scores each file with it and the lexicon
///     desk-train ROOT cv --by-file [--misses]   leave one corpus file out: each file is scored by a
///                                               model fitted on the other files
///     desk-train ROOT languages                 trains the language identifier's profiles on the
///                                               corpus and writes model/language-profiles.dwf
///     desk-train ROOT langid [--misses] FILE... the shipped language identifier on each file: right
///                                               per language (the `lang` field; `prs` counts as `fa`)
///     desk-train ROOT langid --by-file          leave one corpus file out: each file's languages named
///                                               by profiles trained on the other files
///     desk-train ROOT predict FILE...           every report's classification, one line each (language,
///                                               phase, confidence, probabilities, review, its reason,
///                                               category, severity, signals): to diff two builds
///     desk-train ROOT categories [--misses] [--list] FILE...  category and severity of each report's
///                                               text against those of its English gloss (`gloss`), per
///                                               language: how often they agree (--list: every text's)
///
/// `train`, `cv`, `fit-score` and `explain --fit` take `--bits B`, `--epochs N`, `--rate R`, `--l2 L`,
/// `--stack K` (inner folds of the stacked fit; 0 for a joint fit), `--combiner-l2 L`, `--dense-l2 L` (joint
/// fit only) and `--seed S` to try other settings; `--stack 0 --l2 1e-4` is the joint fit shipped up to 5d541f9.
///
/// ROOT is the repository; the lexicon is ROOT/config/classifier.toml, or `--lexicon FILE` (e.g. an
/// older lexicon, `git show a5d7c39:config/classifier.toml`, to cross-validate without the cue terms
/// read from the batches' misses).
@main
struct DeskTrain {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func main() {
        do {
            try run(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("desk-train: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ arguments: [String]) throws {
        guard arguments.count >= 2 else {
            throw TrainError("usage: desk-train ROOT score|fit-score|explain|train|cv [options]")
        }
        let root = arguments[0]
        let options = Array(arguments.dropFirst(2))
        func option(_ name: String) -> String? {
            guard let at = options.firstIndex(of: name), at + 1 < options.count else { return nil }
            return options[at + 1]
        }
        let lexiconPath = option("--lexicon") ?? root + "/config/classifier.toml"
        // Training reads the lexicon alone: the shipped model may be from older features.
        let lexicon = try ClassifierRules.lexicon(
            String(contentsOfFile: lexiconPath, encoding: .utf8), file: lexiconPath)
        // The installed weights (ROOT/model, as `make run` and the tests read them), read once.
        var loaded: ClassifierModels?
        func models() throws -> ClassifierModels {
            if let loaded { return loaded }
            let models = try ModelFiles.load(directory: root + "/" + ModelDirectory.path)
            loaded = models
            return models
        }
        func shipped() throws -> Classifier { try Classifier(lexicon, models: models()) }
        let showMisses = options.contains("--misses")
        var trainer = Trainer()
        if let value = option("--epochs").flatMap(Int.init) { trainer.epochs = value }
        if let value = option("--bits").flatMap(Int.init) { trainer.bucketBits = value }
        if let value = option("--rate").flatMap(Float.init) { trainer.learningRate = value }
        if let value = option("--l2").flatMap(Float.init) { trainer.l2 = value }
        if let value = option("--dense-l2").flatMap(Float.init) { trainer.denseL2 = value }
        if let value = option("--seed").flatMap(UInt64.init) { trainer.seed = value }
        if let value = option("--stack").flatMap(Int.init) { trainer.stackFolds = value }
        if let value = option("--combiner-l2").flatMap(Float.init) { trainer.combinerL2 = value }
        switch arguments[1] {
        case "score":
            for path in operands(options) {
                let tally = score(try LabelledCorpus.read(path), with: try shipped())
                print("\(path): \(tally.summary)")
                if showMisses { for miss in tally.misses { print("  miss \(miss)") } }
            }
        case "predict":
            let classifier = try shipped()
            for path in operands(options) {
                for report in try LabelledCorpus.read(path) {
                    print(prediction(classifier.classify(ClassifierInput(text: report.text, now: now))))
                }
            }
        case "fit-score":
            let fitted = try fit(root: root, lexicon: lexicon, trainer: trainer, identifier: models().identifier)
            for path in operands(options) {
                let tally = score(try LabelledCorpus.read(path), with: fitted)
                print("\(path): \(tally.summary)")
                if showMisses { for miss in tally.misses { print("  miss \(miss)") } }
            }
        case "explain":
            let classifier =
                options.contains("--fit")
                ? try fit(root: root, lexicon: lexicon, trainer: trainer, identifier: models().identifier)
                : try shipped()
            for text in operands(options) {
                let result = classifier.classify(ClassifierInput(text: text, now: now))
                print("\(result.phase.rawValue) \(result.confidence) \(result.probabilities ?? [:]) \(text)")
                for signal in result.signals {
                    print("  \(signal.kind) \(signal.rule) \"\(signal.matched)\" → \(signal.vote) \(signal.weight)")
                }
            }
        case "train":
            guard option("--lexicon") == nil else { throw TrainError("train fits the shipped lexicon only") }
            try train(root: root, lexicon: lexicon, trainer: trainer)
        case "languages":
            try writeLanguageProfiles(root: root)
        case "langid":
            if options.contains("--by-file") {
                try identifyByFile(root: root, showMisses: showMisses)
            } else {
                for path in operands(options) {
                    var tally = LanguageProfiles.Tally()
                    for report in try LabelledCorpus.read(path) {
                        let found = try models().identifier.identify(report.text)
                        tally.add(report, found.code)
                        if showMisses, found.code != LanguageProfiles.code(report.lang) {
                            print(
                                "  \(found.best ?? "-") over \(found.runnerUp ?? "-") by \(found.margin): \(report.text)"
                            )
                        }
                    }
                    print("\(path): \(tally.summary)")
                    if showMisses { for miss in tally.misses { print("  miss \(miss)") } }
                }
            }
        case "categories":
            let classifier = try shipped()
            for path in operands(options) {
                var tally = CategoryAgreement()
                for report in try LabelledCorpus.read(path) {
                    tally.add(report, with: classifier, now: now)
                    if options.contains("--list") {
                        let result = classifier.classify(ClassifierInput(text: report.text, now: now))
                        print("\(result.category.rawValue)/\(result.severity) \(report.text)")
                    }
                }
                print("\(path): \(tally.summary)")
                if showMisses { for miss in tally.misses { print("  miss \(miss)") } }
            }
        case "cv":
            let folds = option("--folds").flatMap(Int.init) ?? 10
            try crossValidate(
                root: root, lexicon: lexicon, trainer: trainer, identifier: models().identifier,
                folds: options.contains("--by-file") ? nil : folds, showMisses: showMisses)
        default:
            throw TrainError(
                "unknown command \(arguments[1]) (score, predict, fit-score, explain, train, cv, languages, langid, categories)"
            )
        }
    }

    /// The arguments that are neither options nor their values.
    static func operands(_ options: [String]) -> [String] {
        let valued: Set = [
            "--lexicon", "--folds", "--epochs", "--bits", "--rate", "--l2", "--dense-l2", "--seed", "--stack",
            "--combiner-l2",
        ]
        var result: [String] = []
        var skip = false
        for argument in options {
            if skip {
                skip = false
            } else if valued.contains(argument) {
                skip = true
            } else if !argument.hasPrefix("--") {
                result.append(argument)
            }
        }
        return result
    }

    /// One classification on one line, every figure in full: two builds that print the same lines
    /// classify the same way.
    static func prediction(_ result: Classification) -> String {
        let probabilities = (result.probabilities ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let signals = result.signals.map { "\($0.kind)/\($0.rule)/\($0.matched)/\($0.vote)/\($0.weight)" }
        return [
            result.language ?? "-", result.phase.rawValue, "\(result.confidence)", probabilities.joined(separator: ","),
            result.needsReview ? "review" : "-", result.reviewReason ?? "-", result.category.rawValue,
            "\(result.severity)", signals.joined(separator: ";"),
        ].joined(separator: "\t")
    }

    /// Classifies each report's text alone, as of a fixed moment, and tallies the answers.
    static func score(_ reports: [LabelledReport], with classifier: Classifier) -> Tally {
        var tally = Tally()
        for report in reports {
            tally.add(report, classifier.classify(ClassifierInput(text: report.text, now: now)))
        }
        return tally
    }

    /// Every labelled report of the corpus, with the file it came from.
    static func corpus(root: String) throws -> [(file: String, report: LabelledReport)] {
        var all: [(String, LabelledReport)] = []
        let fixtures = root + "/Tests/ClassifierTests/Fixtures"
        for path in try LabelledCorpus.files(in: fixtures) + LabelledCorpus.files(in: fixtures + "/multilingual") {
            let name = String(path.dropFirst(fixtures.count + 1))
            all += try LabelledCorpus.read(path).map { (name, $0) }
        }
        guard !all.isEmpty else { throw TrainError("no labelled reports under Tests/ClassifierTests/Fixtures") }
        return all
    }

    /// A classifier with both models fitted on the whole corpus as `train` fits them, without
    /// writing anything.
    static func fit(
        root: String, lexicon: Lexicon, trainer: Trainer, identifier: LanguageIdentifier
    ) throws
        -> Classifier
    {
        let all = try corpus(root: root).map(\.report)
        return try fitted(
            all, examples: try examples(all, lexicon: lexicon, trainer: trainer), lexicon: lexicon, trainer: trainer,
            identifier: identifier)
    }

    /// A classifier of the lexicon alone that names no language: it reads the model's features.
    static func reader(_ lexicon: Lexicon) throws -> Classifier {
        try Classifier(lexicon, model: nil, otherLanguagesModel: nil, identifier: LanguageIdentifier(profiles: []))
    }

    /// The languages the lexicon reads (`sv`, `en`): their reports train the first model alone.
    static func familiar(_ lexicon: Lexicon) throws -> Set<String> {
        try reader(lexicon).familiarLanguages
    }

    /// A classifier whose model for Swedish and English is fitted on those reports alone, and whose
    /// model for the other languages on all of them.
    static func fitted(
        _ reports: [LabelledReport], examples: [TrainingExample], lexicon: Lexicon, trainer: Trainer,
        identifier: LanguageIdentifier
    ) throws -> Classifier {
        let languages = try familiar(lexicon)
        let own = trainer.train(reports.indices.filter { languages.contains(reports[$0].lang) }.map { examples[$0] })
        let every = trainer.train(examples)
        func model(_ fitted: Trainer.Weights, _ name: String) throws -> PhaseModel {
            try PhaseModel(
                version: name, bucketBits: trainer.bucketBits, weights: fitted.weights, denseWeights: fitted.dense,
                bias: fitted.bias)
        }
        return try Classifier(
            lexicon, model: model(own, "fitted on \(languages.sorted())"),
            otherLanguagesModel: model(every, "fitted on \(reports.count) reports"), identifier: identifier)
    }

    static func examples(_ reports: [LabelledReport], lexicon: Lexicon, trainer: Trainer) throws -> [TrainingExample] {
        let reader = try reader(lexicon)
        return try reports.map { report in
            guard let label = PhaseModel.phases.firstIndex(where: { $0.rawValue == report.phase }) else {
                throw TrainError("unknown phase \(report.phase) for: \(report.text)")
            }
            let features = reader.modelFeatures(
                ClassifierInput(text: report.text, now: now), bucketBits: trainer.bucketBits)
            return TrainingExample(features: features, label: label)
        }
    }

    /// Trains the language profiles on the whole corpus, writes them as an installed file and
    /// returns the identifier they make.
    @discardableResult
    static func writeLanguageProfiles(root: String) throws -> LanguageIdentifier {
        let all = try corpus(root: root)
        let profiles = LanguageProfiles.train(all.map(\.report))
        let version = "language-profiles \(all.count) reports/\(profiles.count) profiles"
        let path = try ModelDirectory.write(
            WeightsFile.bytes(ofProfiles: LanguageProfiles.texts(profiles), version: version),
            as: ModelFiles.languageProfiles, root: root)
        let shipped = LanguageIdentifier(profiles: LanguageProfiles.shippable(profiles))
        var tally = LanguageProfiles.Tally()
        for (_, report) in all { tally.add(report, shipped.identify(report.text).code) }
        print("trained \(version): " + profiles.map { "\($0.code)/\($0.script.rawValue)" }.joined(separator: " "))
        print("on its own training data (not an estimate): \(tally.summary)")
        print("wrote \(path)")
        return shipped
    }

    /// Leave one corpus file out for the language identifier.
    static func identifyByFile(root: String, showMisses: Bool) throws {
        let all = try corpus(root: root)
        let files = Array(Set(all.map(\.file))).sorted()
        var tally = LanguageProfiles.Tally()
        for file in files {
            let others = all.filter { $0.file != file }.map(\.report)
            let identifier = LanguageIdentifier(profiles: LanguageProfiles.shippable(LanguageProfiles.train(others)))
            var own = LanguageProfiles.Tally()
            for (name, report) in all where name == file {
                let answer = identifier.identify(report.text).code
                tally.add(report, answer)
                own.add(report, answer)
            }
            print("  \(file): \(own.summary)")
        }
        print("leave-one-file-out language identification, \(all.count) reports: \(tally.summary)")
        if showMisses { for miss in tally.misses { print("  miss \(miss)") } }
    }

    static func train(root: String, lexicon: Lexicon, trainer: Trainer) throws {
        let identifier = try writeLanguageProfiles(root: root)
        let corpus = try corpus(root: root)
        let languages = try familiar(lexicon)
        // The model for Swedish and English learns from their reports alone; the other from all.
        let all = corpus.filter { languages.contains($0.report.lang) }
        let examples = try examples(all.map(\.report), lexicon: lexicon, trainer: trainer)
        let fitted = trainer.train(examples)
        let other = try trainOtherLanguages(root: root, corpus: corpus, lexicon: lexicon, trainer: trainer)
        var digest: UInt32 = 2_166_136_261
        for (_, report) in all {
            for byte in (report.lang + report.phase + report.text).utf8 {
                digest = (digest ^ UInt32(byte)) &* 16_777_619
            }
        }
        let files = Set(all.map(\.file)).count
        let version = "phase-model \(all.count) reports/\(files) files/\(String(digest, radix: 16))"
        let model = try PhaseModel(
            version: version, bucketBits: trainer.bucketBits, weights: fitted.weights, denseWeights: fitted.dense,
            bias: fitted.bias)
        let encoded = WeightsFile.bytes(of: model)
        let path = try ModelDirectory.write(encoded, as: ModelFiles.phaseModel, root: root)
        let reader = try reader(lexicon)
        var expected: [[String: Any]] = []
        for text in AgreementTexts.all {
            let features = reader.modelFeatures(ClassifierInput(text: text, now: now), bucketBits: trainer.bucketBits)
            let probabilities = fitted.probabilities(features)
            var entry: [String: Any] = ["text": text]
            for (phase, probability) in zip(PhaseModel.phases, probabilities) {
                entry[phase.rawValue] = (probability * 10_000).rounded() / 10_000
            }
            expected.append(entry)
        }
        let fixture = try JSONSerialization.data(withJSONObject: expected, options: [.prettyPrinted, .sortedKeys])
        try fixture.write(to: URL(fileURLWithPath: root + "/" + AgreementTexts.fixturePath))
        let nonZero = stride(from: 0, to: fitted.weights.count, by: 3).filter { row in
            (0..<3).contains { fitted.weights[row + $0] != 0 }
        }.count
        var training = Tally()
        let trained = try Classifier(lexicon, model: model, otherLanguagesModel: other.model, identifier: identifier)
        for (_, report) in corpus {
            training.add(report, trained.classify(ClassifierInput(text: report.text, now: now)))
        }
        print("trained \(version) on \(all.count) reports from \(files) files")
        print("buckets in use: \(nonZero) of \(1 << trainer.bucketBits); file \(encoded.count) bytes")
        if trainer.stackFolds >= 2 {
            let scale = String(format: "%.2f", fitted.wordScale)
            print("stacked over \(trainer.stackFolds) folds: the words' weights scaled by \(scale)")
        }
        for (index, name) in PhaseFeatures.denseNames.enumerated() {
            let row = (0..<3).map { String(format: "%.2f", fitted.dense[index * 3 + $0]) }
            print("dense \(name): " + zip(PhaseModel.phases, row).map { "\($0.rawValue) \($1)" }.joined(separator: " "))
        }
        print("on its own training data (not an estimate): \(training.summary)")
        print("wrote \(path), \(other.path) and \(AgreementTexts.fixturePath)")
    }

    /// Fits the model for the other languages on the whole corpus and writes its file.
    static func trainOtherLanguages(
        root: String, corpus: [(file: String, report: LabelledReport)], lexicon: Lexicon, trainer: Trainer
    ) throws -> (model: PhaseModel, path: String) {
        let fitted = trainer.train(try examples(corpus.map(\.report), lexicon: lexicon, trainer: trainer))
        var digest: UInt32 = 2_166_136_261
        for (_, report) in corpus {
            for byte in (report.lang + report.phase + report.text).utf8 {
                digest = (digest ^ UInt32(byte)) &* 16_777_619
            }
        }
        let files = Set(corpus.map(\.file)).count
        let version = "phase-model-other-languages \(corpus.count) reports/\(files) files/\(String(digest, radix: 16))"
        let model = try PhaseModel(
            version: version, bucketBits: trainer.bucketBits, weights: fitted.weights, denseWeights: fitted.dense,
            bias: fitted.bias)
        let path = try ModelDirectory.write(
            WeightsFile.bytes(of: model), as: ModelFiles.otherLanguagesModel, root: root)
        print("trained \(version)")
        return (model, path)
    }
}
