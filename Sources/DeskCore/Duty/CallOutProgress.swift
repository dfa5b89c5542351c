/// How far an incident's call-outs have come: how many are in each state, and whether nobody at
/// all could be found for a role its current phase needs. What the console's board shows.
public struct CallOutProgress: Sendable, Hashable {
    /// Call-outs by state (a state with none is absent).
    public var byState: [CallOut.State: Int]
    /// Flagged unstaffed in the incident's current phase.
    public var unstaffed: Bool

    /// Creates progress; the default is no call-outs, staffed or not yet tried.
    public init(byState: [CallOut.State: Int] = [:], unstaffed: Bool = false) {
        self.byState = byState
        self.unstaffed = unstaffed
    }

    /// Call-outs in any of `states`.
    public func count(_ states: CallOut.State...) -> Int { states.reduce(0) { $0 + (byState[$1] ?? 0) } }

    /// Every call-out made so far.
    public var called: Int { byState.values.reduce(0, +) }

    /// Call-outs still waiting for an answer.
    public var waiting: Int { byState.filter { $0.key.isOpen }.values.reduce(0, +) }
}
