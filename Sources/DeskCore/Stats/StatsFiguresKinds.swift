/// Incidents opened in a group: how many, and how many of them went unstaffed (the escalation chain
/// ran out without anyone acknowledging).
public struct IncidentFigures: StatsFigures, Hashable {
    public var key: StatsKey
    /// Incidents opened.
    public var incidents: Int
    /// Of those, the ones marked unstaffed in any phase.
    public var unstaffed: Int

    public init(key: StatsKey, incidents: Int, unstaffed: Int) {
        self.key = key
        self.incidents = incidents
        self.unstaffed = unstaffed
    }

    public init(zeroFor key: StatsKey) { self.init(key: key, incidents: 0, unstaffed: 0) }
}

/// Call-outs made in a group, by how they ended, and how long the acknowledged ones took from the
/// call-out to the acknowledgement (the median and the 90th percentile, interpolated between the
/// two nearest values as PostgreSQL's `percentile_cont` does).
public struct CallOutFigures: StatsFigures, Hashable {
    public var key: StatsKey
    /// Call-outs made.
    public var callOuts: Int
    /// Acknowledged.
    public var acknowledged: Int
    /// Declined by the responder.
    public var declined: Int
    /// Passed on to the next in the chain because nobody answered in time.
    public var escalated: Int
    /// The last of a chain, left unanswered.
    public var expired: Int
    /// Still waiting for an answer.
    public var waiting: Int
    /// Seconds from call-out to acknowledgement: the median, nil without any acknowledged.
    public var answerMedian: Double?
    /// Seconds from call-out to acknowledgement: the 90th percentile.
    public var answerP90: Double?

    public init(
        key: StatsKey, callOuts: Int, acknowledged: Int, declined: Int, escalated: Int, expired: Int, waiting: Int,
        answerMedian: Double?, answerP90: Double?
    ) {
        self.key = key
        self.callOuts = callOuts
        self.acknowledged = acknowledged
        self.declined = declined
        self.escalated = escalated
        self.expired = expired
        self.waiting = waiting
        self.answerMedian = answerMedian
        self.answerP90 = answerP90
    }

    public init(zeroFor key: StatsKey) {
        self.init(
            key: key, callOuts: 0, acknowledged: 0, declined: 0, escalated: 0, expired: 0, waiting: 0,
            answerMedian: nil, answerP90: nil)
    }

    /// The share of call-outs escalated (0…1), nil without call-outs.
    public var escalatedShare: Double? { callOuts == 0 ? nil : Double(escalated) / Double(callOuts) }
}

/// Follow-ups due in a group (cancelled ones left out), by how they stand.
public struct FollowUpFigures: StatsFigures, Hashable {
    public var key: StatsKey
    /// Follow-ups due in the week (every one not cancelled).
    public var due: Int
    /// Done by their due time.
    public var doneOnTime: Int
    /// Done after their due time.
    public var doneLate: Int
    /// Not done, and past their due time now.
    public var overdue: Int
    /// Not done, not due yet.
    public var pending: Int

    public init(key: StatsKey, due: Int, doneOnTime: Int, doneLate: Int, overdue: Int, pending: Int) {
        self.key = key
        self.due = due
        self.doneOnTime = doneOnTime
        self.doneLate = doneLate
        self.overdue = overdue
        self.pending = pending
    }

    public init(zeroFor key: StatsKey) {
        self.init(key: key, due: 0, doneOnTime: 0, doneLate: 0, overdue: 0, pending: 0)
    }
}
