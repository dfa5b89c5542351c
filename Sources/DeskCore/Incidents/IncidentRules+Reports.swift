/// Decisions about the reports of an incident: a report joining it (and perhaps moving its
/// phase), a duty officer confirming its classification, and splitting a wrongly joined report off.
extension IncidentRules {
    /// Whether a later report may move an incident from one phase to another on its own: forward
    /// through the crisis (before → during → after), back to during when it flares up again, and
    /// out of `unclassified`. Never back to `before`: once something happened, it happened.
    public static func reportMayMove(from current: Phase, to proposed: Phase) -> Bool {
        switch (current, proposed) {
        case (.unclassified, .before), (.unclassified, .during), (.unclassified, .after): return true
        case (.before, .during), (.before, .after), (.during, .after), (.after, .during): return true
        default: return false
        }
    }

    /// A report with `fields` (validated and classified) joins `incident` for the reason in `match`.
    ///
    /// A confident report (not needing review) may move the phase (see `reportMayMove`); the move
    /// is its own event with the deciding signals. Severity only rises.
    public static func join(
        _ incident: Incident, fields: ReportFields, classification: Classification, stored: StoredClassification,
        match: CorrelationMatch, transport: Transport, stamp: EventStamp
    ) throws(DeskError) -> IncidentUpdate {
        guard incident.status == .open else { throw DeskError.conflict(.incidentClosed(incident.id)) }
        let report = Report(
            id: stamp.ids.next(), incidentID: incident.id, receivedAt: stamp.at, actor: stamp.actor,
            transport: transport, classification: stored, fields: fields)
        var changed = incident
        changed.reportCount += 1
        changed.languages = IncidentLanguages.adding(report, to: incident.languages)
        changed.lastReportAt = stamp.at
        changed.updatedAt = stamp.at
        changed.severity = max(incident.severity ?? 0, classification.severity)
        if incident.category == nil || incident.category == .other { changed.category = classification.category }
        var events = [
            stamp.event(.reportReceived, incident: incident.id, data: report.receivedEventData(classification)),
            stamp.event(
                .reportJoined, incident: incident.id,
                data: [
                    "report_id": .string(report.id.rawValue), "reason": .string(match.reason),
                    "same_category": .bool(match.sameCategory),
                    "shared_words": .array(match.sharedWords.map(JSONValue.string)),
                    "minutes_since_last_report": .int(Int64(match.minutesSinceLastReport)),
                ]
            ),
        ]
        let proposed = classification.phase
        if proposed != incident.phase, !classification.needsReview, reportMayMove(from: incident.phase, to: proposed) {
            changed.phase = proposed
            changed.classification = stored
            changed.needsReview = false
            events.append(
                stamp.event(
                    .phaseChanged, incident: incident.id,
                    data: [
                        "from": .string(incident.phase.rawValue), "to": .string(proposed.rawValue),
                        "by": .string("report"), "report_id": .string(report.id.rawValue),
                        "reason": .string("a later report reads as \(proposed.rawValue)"),
                        "classification": classification.timelineData(),
                    ]
                ))
        }
        return IncidentUpdate(incident: changed, events: events, addedReport: report)
    }

    /// A duty officer confirms the incident's phase, or corrects it to `phase`, ending the review.
    public static func confirm(
        _ incident: Incident, phase: Phase?, note: String?, limits: ReportLimits, stamp: EventStamp
    ) throws(DeskError) -> IncidentUpdate {
        var rules = FieldRules()
        let note = rules.optional(note, at: "/note", maxLength: limits.maxReasonLength)
        rules.assignable(phase, at: "/phase")
        try rules.finish()
        try notErased(incident)
        let confirmed = phase ?? incident.phase
        guard confirmed != .unclassified else {
            throw DeskError.invalid([
                FieldIssue(pointer: "/phase", detail: "the incident is unclassified; give the phase you confirm")
            ])
        }
        var changed = incident
        changed.phase = confirmed
        changed.needsReview = false
        changed.updatedAt = stamp.at
        let event = stamp.event(
            .classificationConfirmed, incident: incident.id,
            data: [
                "phase": .string(confirmed.rawValue), "previous_phase": .string(incident.phase.rawValue),
                "was_needing_review": .bool(incident.needsReview),
                "confidence": (try? incident.classification?.value()).map { .double($0.confidence) } ?? .null,
                "note": .optional(note),
            ]
        )
        return IncidentUpdate(incident: changed, events: [event])
    }

    /// Splits `report` off `incident` into a new incident of its own, undoing a wrong join. Only an
    /// open incident is split: a report split off a closed (or erased) one would start a new life
    /// outside its retention. `others` are the incident's other reports: the incident keeps their
    /// languages, and loses the split report's unless another report is in it too.
    public static func split(
        _ incident: Incident, report: Report, others: [Report], reason: String, limits: ReportLimits,
        stamp: EventStamp
    ) throws(DeskError) -> IncidentUpdate {
        var rules = FieldRules()
        let reason = rules.required(reason, at: "/reason", maxLength: limits.maxReasonLength)
        try rules.finish()
        try notErased(incident)
        guard incident.status == .open else { throw DeskError.conflict(.incidentClosed(incident.id)) }
        guard report.incidentID == incident.id else {
            throw DeskError.invalid([
                FieldIssue(
                    pointer: "/report_id", detail: "report \(report.id) does not belong to incident \(incident.id)")
            ])
        }
        guard incident.reportCount > 1 else { throw DeskError.conflict(.onlyReport(incident.id)) }
        let newID = stamp.ids.next()
        let splitOff = NewIncident.opening(
            from: report, classification: try? report.classification?.value(), title: report.fields.derivedTitle,
            id: newID, stamp: stamp,
            data: ["split_from": .string(incident.id.rawValue), "reason": .string(reason)]
        )
        var changed = incident
        changed.reportCount -= 1
        changed.languages = IncidentLanguages.of(others.filter { $0.id != report.id })
        changed.updatedAt = stamp.at
        let event = stamp.event(
            .incidentSplit, incident: incident.id,
            data: [
                "report_id": .string(report.id.rawValue), "new_incident_id": .string(newID.rawValue),
                "reason": .string(reason),
            ]
        )
        return IncidentUpdate(incident: changed, events: [event], splitOff: splitOff)
    }
}
