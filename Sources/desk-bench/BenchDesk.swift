import DeskConfig
import DeskCore
import DeskStorage
import Foundation

/// A desk over `store` as the benches run one: the standard policy with its week in `calendar`,
/// no correlation window, the repository's classifier (loaded unless given), its areas read.
func benchDesk(
    root: String, store: SQLDeskStore, clock: any WallClock, calendar: LocalCalendar, classifier: Classifier? = nil
) async throws -> Desk {
    let desk = Desk(
        store: store, clock: clock,
        settings: LiveSettings(
            DeskSettings(
                correlation: CorrelationPolicy(window: 0), duty: DutySettings(policy: .standard, calendar: calendar))),
        classifier: try classifier
            ?? ClassifierRules.load(
                path: root + "/config/classifier.toml", models: ModelFiles.load(directory: root + "/model")))
    try await desk.incidents.reloadAreas()
    return desk
}
