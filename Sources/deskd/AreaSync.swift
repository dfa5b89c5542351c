import DeskCore
import DeskStorage

extension DeskStorageBackend {
    /// Makes the stored areas match `areas` (one transaction) and has `desk` read them again: at
    /// start-up and on every reload, the same two steps in the same order.
    func syncAreas(_ areas: [Area], into desk: Desk) async throws -> AreaSyncSummary {
        let summary = try syncAreas(areas)
        try await desk.incidents.reloadAreas()
        return summary
    }
}
