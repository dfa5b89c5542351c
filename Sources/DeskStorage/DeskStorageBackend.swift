import DeskCore

/// What deskd needs of an opened database, whichever the engine: the store over it, and the
/// upkeep around it (areas, counts, the write queue's figures, closing).
public protocol DeskStorageBackend: Sendable {
    /// The desk's storage ports over this database.
    var store: SQLDeskStore { get }
    /// Where the database is, for the log (a file, or a URL without its password).
    var location: String { get }
    /// What the write queue has done so far.
    func writeQueueStats() -> WriteQueueStats
    /// Makes the stored areas match `areas`, in one transaction.
    func syncAreas(_ areas: [Area]) throws -> AreaSyncSummary
    /// How many incidents are stored.
    func incidentCount() throws -> Int
    /// Rows per table of the schema.
    func rowCounts() throws -> [String: Int]
    /// Names of the migrations applied so far, in order.
    func appliedMigrations() throws -> [String]
    /// Closes every connection; the object is unusable afterwards.
    func close() throws
}

extension DeskDatabase: DeskStorageBackend {
    public var store: SQLDeskStore { SQLDeskStore(database: self) }
    public var location: String { path }
}

extension PostgresDeskDatabase: DeskStorageBackend {
    public var store: SQLDeskStore { SQLDeskStore(database: self) }
    public var location: String { url.description }
}
