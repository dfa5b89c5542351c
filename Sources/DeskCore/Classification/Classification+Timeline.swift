extension Classification {
    /// The classification as a timeline event records it: the verdict and the signals that
    /// decided the phase (up to `limit`, strongest first), so the timeline explains itself.
    public func timelineData(limit: Int = 8) -> JSONValue {
        .object([
            "phase": .string(phase.rawValue), "category": .string(category.rawValue), "severity": .int(Int64(severity)),
            "confidence": .double(confidence), "needs_review": .bool(needsReview),
            "decided_by": .string(decidedBy.rawValue), "language": .optional(language),
            "signals": .array(decidingSignals.prefix(limit).map(\.timelineData)),
        ])
    }

    /// The kinds of signal that vote for a phase.
    static let decidingKinds: Set<String> = [
        "phase", "cue", "decisive", "field", "present", "not-yet", "no-longer", "short-report", "model", "model-part",
        "model-feature",
    ]

    /// The signals that voted for the phase this classification chose, strongest first.
    public var decidingSignals: [Signal] {
        signals.filter { Self.decidingKinds.contains($0.kind) && $0.vote == phase.rawValue }
            .sorted { $0.weight > $1.weight }
    }
}

extension Classification.Signal {
    var timelineData: JSONValue {
        .object([
            "kind": .string(kind), "rule": .string(rule), "term": .string(term), "matched": .string(matched),
            "vote": .string(vote), "weight": .double(weight),
        ])
    }
}
