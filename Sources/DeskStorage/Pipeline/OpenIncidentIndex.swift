import DeskCore
import Foundation

/// The open incidents a new report may join, per area, kept in memory by the writer so that
/// correlating a report reads nothing from SQLite: for each area, the `capacity` open incidents
/// whose latest report is newest (and not older than the `since` it was loaded for), each with its
/// latest report texts.
///
/// Exactly what `SELECT … WHERE area_id = ? AND status = 'open' AND last_report_at >= ? ORDER BY
/// last_report_at DESC LIMIT capacity` would return, because every write to incidents and reports
/// goes through the writer and is recorded here; where a write would leave it unsure (an incident
/// leaving a full list, a reopened incident, a report split off) the area is forgotten and loaded
/// from SQLite again on its next report, inside the writer's transaction. An area is loaded the
/// first time a report for it comes, so start-up reads nothing.
///
/// Not thread-safe by itself: the writer's state holds it behind a lock and only the writer uses it.
struct OpenIncidentIndex {
    /// One candidate: the incident as stored and its latest report texts, newest first.
    struct Entry {
        var incident: Incident
        var texts: [String]
    }

    /// One area: its entries, newest latest report first, and the `since` they were loaded for.
    struct AreaList {
        var since: Date
        var entries: [Entry]
    }

    /// Candidates kept per area.
    let capacity: Int
    private var areas: [String: AreaList] = [:]

    /// An empty index keeping `capacity` candidates per area.
    init(capacity: Int = CorrelationCandidate.perArea) { self.capacity = capacity }

    /// The candidates of `area` at or after `since` (at most `limit`), or nil when the area is not
    /// loaded for that `since` and must be read from SQLite (`load`).
    mutating func candidates(area: String, since: Date, limit: Int) -> [CorrelationCandidate]? {
        guard limit <= capacity, let loadedSince = areas[area]?.since, since >= loadedSince, var list = take(area)
        else { return nil }
        if let first = list.entries.firstIndex(where: { $0.incident.lastReportAt < since }) {
            list.entries.removeSubrange(first...)
        }
        list.since = since
        areas[area] = list
        return list.entries.prefix(limit).map { CorrelationCandidate(incident: $0.incident, reportTexts: $0.texts) }
    }

    /// Keeps what SQLite returned for `area` at or after `since` (at most `capacity`, newest first).
    mutating func load(area: String, since: Date, candidates: [CorrelationCandidate]) {
        areas[area] = AreaList(
            since: since,
            entries: candidates.prefix(capacity).map { Entry(incident: $0.incident, texts: $0.reportTexts) })
    }

    /// Records a new incident.
    mutating func inserted(_ incident: Incident) {
        guard let loadedSince = areas[incident.areaID]?.since, incident.status == .open,
            incident.lastReportAt >= loadedSince, var list = take(incident.areaID)
        else { return }
        insert(Entry(incident: incident, texts: []), into: &list)
        areas[incident.areaID] = list
    }

    /// Records an incident's new state.
    mutating func updated(_ incident: Incident) {
        let area = incident.areaID
        guard var list = take(area) else { return }
        guard let index = list.entries.firstIndex(where: { $0.incident.id == incident.id }) else {
            // Not a candidate before: reopened (its texts are not here), or one that was older.
            if incident.status == .open, incident.lastReportAt >= list.since,
                list.entries.count < capacity
                    || incident.lastReportAt >= (list.entries.last?.incident.lastReportAt ?? .distantPast)
            {
                return  // taken out and not put back: forgotten
            }
            areas[area] = list
            return
        }
        var entry = list.entries.remove(at: index)
        guard incident.status == .open, incident.lastReportAt >= list.since else {
            // A full list lost one: the next one is in SQLite only.
            // (Taken out and not put back: forgotten.)
            if list.entries.count + 1 < capacity { areas[area] = list }
            return
        }
        entry.incident = incident
        insert(entry, into: &list)
        areas[area] = list
    }

    /// Records a new report's text on its incident's candidate.
    mutating func added(text: String, to incident: DeskID, area: String) {
        guard var list = take(area) else { return }
        defer { areas[area] = list }
        guard let index = list.entries.firstIndex(where: { $0.incident.id == incident }) else { return }
        list.entries[index].texts.insert(text, at: 0)
        if list.entries[index].texts.count > CorrelationCandidate.textsPerCandidate {
            list.entries[index].texts.removeLast()
        }
    }

    /// Removes an area's list to change it in place (the dictionary no longer shares its storage);
    /// the caller puts it back, or leaves it out to forget the area.
    private mutating func take(_ area: String) -> AreaList? { areas.removeValue(forKey: area) }

    /// Forgets an area: it is read from SQLite again when next needed.
    mutating func forget(area: String) { areas[area] = nil }

    /// Forgets everything (after a failed transaction).
    mutating func reset() { areas = [:] }

    /// Inserts in order of the latest report, newest first, keeping at most `capacity`.
    private func insert(_ entry: Entry, into list: inout AreaList) {
        let position =
            list.entries.firstIndex { $0.incident.lastReportAt < entry.incident.lastReportAt } ?? list.entries.count
        list.entries.insert(entry, at: position)
        if list.entries.count > capacity { list.entries.removeLast() }
    }
}
