import Foundation
import Synchronization

/// Turns what a reporter sent into a `SubmitReport`: validates it against the areas and limits in
/// force and classifies it — the costly, state-free part of a report, done by the request's own
/// task, in parallel with others, before the writer sees it. Also the dry run (`classify`).
public final class ReportIntake: Sendable {
    private let settings: LiveSettings
    private let clock: any WallClock
    private let state: Mutex<(classifier: Classifier, cache: StemCache)>

    /// Creates the intake with `classifier`.
    public init(settings: LiveSettings, clock: any WallClock, classifier: Classifier) {
        self.settings = settings
        self.clock = clock
        state = Mutex((classifier, StemCache(commonWords: classifier.commonWords)))
    }

    /// The classifier reports are put through.
    public var classifier: Classifier { state.withLock { $0.classifier } }

    /// Puts later reports through another classifier (a reloaded lexicon).
    public func replaceClassifier(_ classifier: Classifier) {
        state.withLock { $0 = (classifier, StemCache(commonWords: classifier.commonWords)) }
    }

    /// The command that stores `fields`; throws `invalid` or `unknownArea` for fields that break a rule.
    public func command(for fields: ReportFields) throws(DeskError) -> SubmitReport {
        let now = clock.now()
        let settings = settings.current
        let checked = try fields.validated(areas: settings.areas, limits: settings.limits, now: now)
        let (classifier, cache) = state.withLock { ($0.classifier, $0.cache) }
        let classification = classifier.classify(ClassifierInput(checked, now: now))
        let stems =
            settings.correlation.window > 0
            ? Correlator(policy: settings.correlation, cache: cache).stems(title: checked.title, text: checked.text)
            : []
        return SubmitReport(fields: checked, classification: classification, stems: stems, cache: cache)
    }

    /// Classifies without storing anything: the dry run behind `POST /v1/classify`.
    public func classify(_ request: ClassificationRequest) throws(DeskError) -> Classification {
        let classifier = classifier
        let input = try request.validated(
            limits: settings.current.limits, languages: classifier.languages, now: clock.now())
        return classifier.classify(input)
    }
}
