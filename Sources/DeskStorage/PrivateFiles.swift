import DeskCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The database, its WAL and shared-memory files and the backups hold every report and contact:
/// only deskd's own user may read them, whatever the umask of whoever started deskd.
///
/// SQLite creates the `-wal` and `-shm` files with the mode of the database file, so creating
/// the database file `0600` first keeps all three private; files left more open by an earlier
/// version are tightened when the database is opened.
enum PrivateFiles {
    /// Owner read and write only.
    static let fileMode: mode_t = 0o600
    /// Owner only.
    static let directoryMode: mode_t = 0o700

    /// Creates `path` empty with mode 0600 if it does not exist, and takes group and other
    /// permissions away from it and its `-wal`/`-shm` companions if it does.
    static func prepareDatabase(at path: String) throws {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, fileMode)
        if descriptor >= 0 {
            Glibc.close(descriptor)
        } else if errno != EEXIST {
            throw StorageFailure("cannot create database \(path): \(String(cString: strerror(errno)))")
        }
        for file in [path, path + "-wal", path + "-shm"] { tighten(file, to: fileMode) }
    }

    /// Creates the directory `path` with mode 0700 if needed, and tightens it if it exists.
    /// Makes `directory` (private) if needed and claims `directory/<name>.sqlite` for a backup
    /// atomically (`O_EXCL`), so that two backups never write the same file and one is never
    /// overwritten; the file is private like the database. Returns its path. Throws
    /// `conflict(.backupExists)` when it exists.
    static func claimBackup(named name: String, in directory: String) throws -> String {
        try prepareDirectory(at: directory)
        let target = directory + "/\(name).sqlite"
        let descriptor = open(target, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw DeskError.conflict(.backupExists(name)) }
            throw StorageFailure("cannot create \(target): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        return target
    }

    static func prepareDirectory(at path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(directoryMode)])
        tighten(path, to: directoryMode)
    }

    /// Removes group and other permissions from an existing file or directory; does nothing when
    /// it does not exist or is already private (or belongs to someone else: then chmod fails and
    /// opening it will say why).
    static func tighten(_ path: String, to mode: mode_t) {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & 0o077 != 0 else { return }
        _ = chmod(path, mode)
    }
}
