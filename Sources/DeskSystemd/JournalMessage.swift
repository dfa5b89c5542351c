/// The kinds of journal entries deskd writes, each with a fixed `MESSAGE_ID` explained in
/// `systemd/deskd.catalog` (`journalctl -x`, `journalctl MESSAGE_ID=…`).
public enum JournalMessage: String, CaseIterable, Sendable {
    case reportReceived = "525e244bd34c4ff69d0ef9635b3e3a56"
    case incidentOpened = "8c096f82886c4b1985428f78a3e9251c"
    case reportJoined = "8bbb2a550ab748208b018e54106ba3e8"
    case phaseChanged = "7e02e615f1174dc59bfbc7ab7a288a9b"
    case classificationConfirmed = "715c408bd87c4d0d9bf1bc14ff091650"
    case incidentSplit = "e458e683bba541adb6141eea95039c6b"
    case incidentClosed = "4f96afde970b4b4093577b65b5c03c5e"
    case incidentReopened = "d56bdd78c4704d169d5e6166467e022d"
    case noteAdded = "f1ed85a255214d7db2a70883db441f07"
    case ready = "61930f38a6054b0b8b495a1bf763511a"
    case reloaded = "4eb49d10a2b2499bb5b499f558f3e6c9"
    case reloadFailed = "a0401ad299cc4bd793f9548d93dd3a89"
    case callOutCreated = "da8f7d4e4e34475ea70a6f030bc18b82"
    case callOutAnswered = "4db2c0b3eec94206a815def2776ebc67"
    case callOutEscalated = "efcb32cf6a2a4e59a6730047b6d3eb02"
    case incidentUnstaffed = "ec9a9bbe4d2e41339ad54140c8d8fca0"
    case notificationFailed = "85c721eca28a4b44ba2f6e194585db50"
    case chainHead = "59518b4310094cfa8004d95809fa349a"

    /// The id as journald spells it.
    public var id: String { rawValue }
}
