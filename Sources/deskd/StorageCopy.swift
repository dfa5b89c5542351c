import ArgumentParser
import DeskStorage
import Foundation

/// `deskd --copy-storage-to URL`: moves an SQLite desk into an empty PostgreSQL database, then
/// says what it copied and that the copy verifies. Exit 64 for a bad URL, 1 when the copy fails
/// (the target is then not to be used: drop and recreate it before trying again).
struct StorageCopy {
    let source: String
    let target: String
    let passwordFile: String?

    func run() async throws {
        let url: PostgresURL
        do {
            url = try PostgresURL(target)
        } catch {
            fail("--copy-storage-to is not a PostgreSQL URL: \(error)", status: 64)
        }
        var password: String?
        if let passwordFile {
            do {
                password = try String(contentsOfFile: passwordFile, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                fail("cannot read --copy-password-file \(passwordFile): \(error.localizedDescription)", status: 66)
            }
        }
        do {
            let report = try await DeskCopy.copySQLite(at: source, to: url, password: password)
            for (table, count) in report.rows.sorted(by: { $0.key < $1.key }) {
                print("\(table): \(count) rows")
            }
            print(
                "copied \(source) to \(url): every table's rows counted equal; timeline intact, "
                    + "\(report.timeline.events) events, head \(report.timeline.headSequence):\(report.timeline.head)")
        } catch {
            fail("copy failed: \(error)", status: 1)
        }
    }

    private func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("deskd: \(message)\n".utf8))
        Foundation.exit(status)
    }
}
