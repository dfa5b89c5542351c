import DeskTestSupport
import Foundation
import Testing

/// The units under `systemd/` as systemd itself judges them, and `make install`'s layout.
@Suite(.ownThread) struct SystemdUnitTests {
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

    /// Every service unit scores at most 2.0 with `systemd-analyze security --offline=yes` (at most
    /// 1.0 for a unit that cannot open internet sockets); the scores are printed for the record.
    @Test func everyServiceIsHardened() throws {
        let units = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/systemd")
            .filter { $0.hasSuffix(".service") }.sorted()
        #expect(!units.isEmpty)
        for unit in units {
            let path = repositoryRoot + "/systemd/" + unit
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let egress = text.split(separator: "\n").contains {
                $0.hasPrefix("RestrictAddressFamilies=") && ($0.contains("AF_INET") || $0.contains("AF_INET6"))
            }
            let limit = egress ? 2.0 : 1.0
            let result = try runProgram(
                Self.analyze, ["security", "--offline=yes", "--threshold=\(Int(limit * 10))", path])
            let line = try #require(
                result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") })
            print("systemd-analyze security --offline=yes systemd/\(unit): \(line)")
            #expect(result.status == 0, "\(result.stdout)")
            let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
            #expect((score ?? 10) <= limit, "\(unit): \(line) (limit \(limit))")
        }
    }

    /// The unit keeps the state private and gives people no way to it but the socket.
    @Test func theStateIsPrivateAndTheSocketIsTheWayIn() throws {
        let service = try String(contentsOfFile: repositoryRoot + "/systemd/deskd.service", encoding: .utf8)
        for line in ["StateDirectoryMode=0700", "UMask=0077", "User=deskd", "ConfigurationDirectoryMode=0750"] {
            #expect(service.contains("\n\(line)\n"), "\(line)")
        }
        let socket = try String(contentsOfFile: repositoryRoot + "/systemd/deskd.socket", encoding: .utf8)
        #expect(socket.contains("\nSocketMode=0666\n"))
        let sysusers = try String(contentsOfFile: repositoryRoot + "/systemd/deskd.sysusers", encoding: .utf8)
        let installed = try String(contentsOfFile: repositoryRoot + "/config/deskd.installed.toml", encoding: .utf8)
        // Each role group the package creates is mapped to its role in the installed configuration.
        for (group, role) in [
            ("deskd-admins", "admin"), ("deskd-officers", "officer"), ("deskd-responders", "responder"),
            ("deskd-viewers", "viewer"),
        ] {
            #expect(sysusers.contains("\ng \(group) -\n"), "\(group)")
            #expect(installed.contains("\"\(group):\(role)\""), "\(group)")
        }
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
            "/usr/local/share/deskd/examples/roster.json", "/usr/local/share/doc/deskd/README.md",
        ] {
            #expect(FileManager.default.fileExists(atPath: root + path), "\(path)")
        }
        #expect(FileManager.default.isExecutableFile(atPath: root + "/usr/local/bin/deskd"))
        let unit = try String(contentsOfFile: root + "/usr/local/lib/systemd/system/deskd.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/deskd --config /etc/deskd/deskd.toml"))
        // The installed configuration is valid as installed.
        let installedConfig = try String(contentsOfFile: root + "/etc/deskd/deskd.toml", encoding: .utf8)
        #expect(installedConfig.contains("state_directory = \"/var/lib/deskd\""))
        // Never readable by everyone: it may name receivers' secrets.
        let attributes = try FileManager.default.attributesOfItem(atPath: root + "/etc/deskd/deskd.toml")
        #expect((attributes[.posixPermissions] as? Int) == 0o640)

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
