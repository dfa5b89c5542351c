import Foundation
import Testing

/// The units under `systemd/` as systemd itself judges them, and `make install`'s layout.
@Suite struct SystemdUnitTests {
    static let analyze = "/usr/bin/systemd-analyze"

    @Test func unitsPassSystemdAnalyzeVerify() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deskd-units-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // verify needs ExecStart to exist: point a copy at the built binary.
        let service = try String(contentsOfFile: repositoryRoot + "/systemd/deskd.service", encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/deskd", with: binaryDirectory + "/deskd")
        try Data(service.utf8).write(to: URL(fileURLWithPath: directory + "/deskd.service"))
        try FileManager.default.copyItem(
            atPath: repositoryRoot + "/systemd/deskd.socket", toPath: directory + "/deskd.socket")
        let result = try runProgram(
            Self.analyze, ["verify", "--man=no", directory + "/deskd.service", directory + "/deskd.socket"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!result.stderr.contains("deskd"), "\(result.stderr)")
    }

    @Test func theServiceIsHardenedToAnExposureOfAtMostOne() throws {
        let result = try runProgram(
            Self.analyze, ["security", "--offline=yes", "--threshold=10", repositoryRoot + "/systemd/deskd.service"])
        #expect(result.status == 0, "\(result.stdout)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect((score ?? 10) <= 1.0, "\(line)")
    }

    @Test func makeInstallLaysOutTheTreeAndKeepsAnExistingConfiguration() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("deskd-install-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let configuration = URL(fileURLWithPath: binaryDirectory).lastPathComponent
        let make = {
            try runProgram(
                "/usr/bin/make",
                ["-C", repositoryRoot, "install", "DESTDIR=\(root)", "CONFIGURATION=\(configuration)", "SKIP_BUILD=1"])
        }
        let first = try make()
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        for path in [
            "/usr/local/bin/deskd", "/usr/local/bin/deskctl", "/usr/local/lib/systemd/system/deskd.service",
            "/usr/local/lib/systemd/system/deskd.socket", "/usr/local/lib/sysusers.d/deskd.conf",
            "/usr/local/lib/tmpfiles.d/deskd.conf", "/usr/local/lib/systemd/catalog/deskd.catalog",
            "/etc/deskd/deskd.toml", "/etc/deskd/classifier.toml", "/etc/deskd/areas.json",
        ] {
            #expect(FileManager.default.fileExists(atPath: root + path), "\(path)")
        }
        #expect(FileManager.default.isExecutableFile(atPath: root + "/usr/local/bin/deskd"))
        let unit = try String(contentsOfFile: root + "/usr/local/lib/systemd/system/deskd.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/deskd --config /etc/deskd/deskd.toml"))
        // The installed configuration is valid as installed.
        let installedConfig = try String(contentsOfFile: root + "/etc/deskd/deskd.toml", encoding: .utf8)
        #expect(installedConfig.contains("state_directory = \"/var/lib/deskd\""))

        // The operator's edits survive a second install.
        try Data("# edited\n".utf8).write(to: URL(fileURLWithPath: root + "/etc/deskd/deskd.toml"))
        let second = try make()
        #expect(second.status == 0)
        #expect(second.stdout.contains("keeping existing"))
        #expect(try String(contentsOfFile: root + "/etc/deskd/deskd.toml", encoding: .utf8) == "# edited\n")

        let removed = try runProgram("/usr/bin/make", ["-C", repositoryRoot, "uninstall", "DESTDIR=\(root)"])
        #expect(removed.status == 0)
        #expect(!FileManager.default.fileExists(atPath: root + "/usr/local/bin/deskd"))
        #expect(FileManager.default.fileExists(atPath: root + "/etc/deskd/deskd.toml"))
    }
}
