import DeskTestSupport
import Foundation
import Testing

/// deskd on `[storage] engine = "postgresql"` refuses to half-start: a bad URL or a schema newer
/// than the binary is a configuration error (exit 78) naming the setting; a server that cannot be
/// reached is an ordinary failure that systemd retries, and the log says which hosts were tried.
@Suite(.ownThread, .enabled(if: DaemonEngine.clusterURL != nil)) struct PostgresStartupTests {
    @Test func aMalformedURLIsAConfigurationErrorNamingTheSetting() throws {
        let daemon = try DaemonProcess(storageConfig: "engine = \"postgresql\"\nurl = \"postgresql://desk@/\"")
        let result = try runProgram(daemon.deskd, ["--config", daemon.configPath])
        #expect(result.status == 78)
        #expect(result.stderr.contains("[storage] url is not a PostgreSQL URL: it names no host"), "\(result.stderr)")
        let unknown = try DaemonProcess(
            storageConfig: "engine = \"postgresql\"\nurl = \"postgresql://desk@localhost/desk?sslmod=require\"")
        let misspelt = try runProgram(unknown.deskd, ["--config", unknown.configPath])
        #expect(misspelt.status == 78)
        #expect(misspelt.stderr.contains("unknown parameter sslmod"), "\(misspelt.stderr)")
        let missing = try DaemonProcess(storageConfig: "engine = \"postgresql\"")
        let none = try runProgram(missing.deskd, ["--config", missing.configPath])
        #expect(none.status == 78)
        #expect(none.stderr.contains("storage.url: engine = \"postgresql\" needs url"), "\(none.stderr)")
    }

    @Test func anUnreachableServerIsAnOrdinaryFailureListingTheHostsTried() throws {
        let port = try unusedLoopbackPort()
        let daemon = try DaemonProcess(
            storageConfig:
                "engine = \"postgresql\"\nurl = \"postgresql://desk@127.0.0.1:\(port),%2Ftmp%2Fno-such-dir/desk?connect_timeout=2\""
        )
        let result = try runProgram(daemon.deskd, ["--config", daemon.configPath])
        #expect(result.status != 0 && result.status != 78, "\(result.status)")
        #expect(result.stderr.contains("no usable PostgreSQL server"), "\(result.stderr)")
        #expect(result.stderr.contains("127.0.0.1:\(port)") && result.stderr.contains("/tmp/no-such-dir"))
    }

    @Test func aSchemaNewerThanThisDeskdIsRefused() throws {
        let daemon = try DaemonProcess(engine: .postgresql)
        try daemon.start()
        #expect(try daemon.stop() == 0)
        let url = try #require(daemon.postgresURL)
        _ = try psqlRows(url, "INSERT INTO desk_migration (name, applied_at) VALUES ('pg-v99-future', 'now')")
        let result = try runProgram(daemon.deskd, ["--config", daemon.configPath])
        #expect(result.status == 78)
        #expect(result.stderr.contains("schema is newer than this deskd"), "\(result.stderr)")
        #expect(result.stderr.contains("pg-v99-future"))
    }

    @Test func theTimelineAndTheReportsAreProtectedInTheDatabaseItself() throws {
        let daemon = try DaemonProcess(demo: true, engine: .postgresql)
        try daemon.start()
        #expect(try daemon.stop() == 0)
        let url = try #require(daemon.postgresURL)
        for statement in [
            "UPDATE event SET actor = 'mallory' WHERE seq = 1", "DELETE FROM event", "TRUNCATE event CASCADE",
            "UPDATE report SET text = 'x'", "DELETE FROM report",
        ] {
            let result = try runProgram("/usr/bin/psql", [url, "-qc", statement])
            #expect(result.status != 0, "\(statement) was allowed")
            #expect(result.stderr.contains("append-only") || result.stderr.contains("immutable"), "\(result.stderr)")
        }
        try daemon.start()
        #expect(try daemon.ctl("verify").status == 0)
        #expect(try daemon.stop() == 0)
    }
}
