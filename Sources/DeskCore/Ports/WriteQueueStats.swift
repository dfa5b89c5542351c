/// What the storage's group-commit queue has done since start-up, for metrics.
public struct WriteQueueStats: Sendable, Hashable {
    /// Transactions committed.
    public var batches: Int
    /// Writes committed (the sum of every batch's size).
    public var committed: Int
    /// Writes refused because the queue was full.
    public var refused: Int
    /// Writes waiting now.
    public var waiting: Int
    /// The most writes one transaction has carried.
    public var largestBatch: Int
    /// How many writes may wait before new ones are refused (`[storage] write_queue`).
    public var capacity: Int
    /// Batches whose pipelined attempt failed and that were run again one write at a time
    /// (PostgreSQL; always 0 on SQLite, which does not pipeline).
    public var rerun: Int = 0

    /// Creates the figures.
    public init(batches: Int, committed: Int, refused: Int, waiting: Int, largestBatch: Int, capacity: Int = 0) {
        self.batches = batches
        self.committed = committed
        self.refused = refused
        self.waiting = waiting
        self.largestBatch = largestBatch
        self.capacity = capacity
    }
}
