/// A finished backup: where it is and proof that it is whole.
public struct BackupSummary: Sendable, Hashable, Codable {
    /// The backup file, on the daemon's machine.
    public var path: String
    public var bytes: Int
    /// `PRAGMA integrity_check` of the copy (`ok`).
    public var integrity: String
    /// The timeline of the copy, verified.
    public var timeline: TimelineVerification

    /// Creates a summary.
    public init(path: String, bytes: Int, integrity: String, timeline: TimelineVerification) {
        self.path = path
        self.bytes = bytes
        self.integrity = integrity
        self.timeline = timeline
    }

    /// Backup names: letters, digits, `.`, `_` and `-`, 1-64 characters, not starting with `.`.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy(isNameCharacter)
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return true
        default: return false
        }
    }
}
