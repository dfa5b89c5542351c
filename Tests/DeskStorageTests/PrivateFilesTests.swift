import DeskCore
import DeskTestSupport
import Foundation
import Testing

@testable import DeskStorage

#if canImport(Glibc)
    import Glibc
#endif

/// Only deskd's own user may read the database, its WAL and shared memory, and the backups —
/// whatever the umask of the process that opened it.
@Suite(.serialized) struct PrivateFilesTests {
    private func mode(_ path: String) -> mode_t? {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mode & 0o777 : nil
    }

    @Test func theDatabaseItsWALAndBackupsAreOwnerOnly() async throws {
        let previous = umask(0o022)  // a shell's usual umask: files 0644 unless deskd says otherwise
        defer { umask(previous) }
        let directory = try TemporaryDirectory()
        let path = directory.path + "/deskd.sqlite"
        let database = try DeskDatabase(path: path)
        _ = try database.syncAreas(testAreas)
        let desk = try await makeDesk(database, clock: TestClock())
        try await desk.submit(ReportFields(area: "bredang", text: "Brand i källaren", phase: .during))
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(mode(file) == 0o600, "\(file)")
        }
        let backup = try await database.backup(name: "nightly")
        #expect(mode(backup.path) == 0o600)
        #expect(mode(directory.path + "/backups") == 0o700)
        try database.close()
    }

    @Test func filesLeftOpenByAnEarlierVersionAreTightenedOnOpen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/deskd.sqlite"
        try DeskDatabase(path: path).close()
        #expect(chmod(path, 0o640) == 0)
        try FileManager.default.createDirectory(
            atPath: directory.path + "/backups", withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o750])
        let database = try DeskDatabase(path: path)
        #expect(mode(path) == 0o600)
        _ = try await database.backup(name: "after-upgrade")
        #expect(mode(directory.path + "/backups") == 0o700)
        try database.close()
    }
}
