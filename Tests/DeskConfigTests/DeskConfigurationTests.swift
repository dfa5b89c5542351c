import DeskConfig
import Foundation
import Testing

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

@Suite struct DeskConfigurationTests {
    @Test func theDevelopmentConfigurationIsValid() throws {
        let configuration = try DeskConfiguration.load(path: repositoryRoot + "/config/deskd.toml")
        #expect(configuration.http == DeskConfiguration.HostPort("127.0.0.1:8440"))
        #expect(configuration.unixSocket == "var/run/deskd.sock")
        #expect(configuration.stateDirectory == "var")
        #expect(configuration.databasePath == "var/deskd.sqlite")
        #expect(configuration.maxBodyBytes == 65_536)
        #expect(configuration.areasFile == "seeds/areas.json")
        #expect(configuration.demoFile == "seeds/demo-reports.json")
    }

    @Test func defaultsApplyToAMinimalFile() throws {
        let configuration = try DeskConfiguration.parse("[areas]\nfile = \"/etc/deskd/areas.json\"\n", file: "min.toml")
        #expect(configuration.http?.description == "127.0.0.1:8440")
        #expect(configuration.unixSocket == "/run/deskd/deskd.sock")
        #expect(configuration.stateDirectory == "/var/lib/deskd")
        #expect(configuration.demoFile == nil)
        #expect(configuration.logLevel == "info")
        #expect(configuration.trustedProxies.isEmpty)
    }

    /// Security review M2: the TLS proxy in front of deskd, by address (IPv4 and IPv6).
    @Test func trustedProxiesAreIPAddresses() throws {
        let configuration = try DeskConfiguration.parse(
            "[server]\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]\n[areas]\nfile = \"a\"\n", file: "p.toml")
        #expect(configuration.trustedProxies == ["127.0.0.1", "::1"])
    }

    /// Issue 31: a deskd names itself among several on one database; a name that would not read
    /// as one in the journal or a label is refused, naming the key.
    @Test func anInstanceIsAShortName() throws {
        let named = try DeskConfiguration.parse(
            "[server]\ninstance = \"desk-a.2\"\n[areas]\nfile = \"a\"\n", file: "i.toml")
        #expect(named.instance == "desk-a.2")
        #expect(try DeskConfiguration.parse("[areas]\nfile = \"a\"\n", file: "i.toml").instance == nil)
        for bad in ["", "desk a", "desk\\\"a", String(repeating: "x", count: 65), "dösk"] {
            let text = "[server]\ninstance = \"\(bad)\"\n[areas]\nfile = \"a\"\n"
            #expect {
                try DeskConfiguration.parse(text, file: "i.toml")
            } throws: { error in
                "\(error)".contains("instance")
            }
        }
    }

    /// Security review M3: console sign-ins per address and per principal, a person's pace by default.
    @Test func theSignInRateIsABurstAndAPace() throws {
        let defaults = try DeskConfiguration.parse("[areas]\nfile = \"a\"\n", file: "d.toml")
        #expect(defaults.limits.signInRate.burst == 10 && abs(defaults.limits.signInRate.perSecond - 1.0 / 60) < 1e-9)
        let set = try DeskConfiguration.parse(
            "[limits]\nsign_in_rate = \"1/100\"\n[areas]\nfile = \"a\"\n", file: "s.toml")
        #expect(set.limits.signInRate.perSecond == 1 && set.limits.signInRate.burst == 100)
        #expect(defaults.limits.anonymousRate.perSecond == 0.1 && defaults.limits.anonymousRate.burst == 20)
    }

    @Test(arguments: [
        (
            "[server]\nhttp = \"localhost\"\n[areas]\nfile = \"a\"\n",
            "x.toml:2: server.http: \"localhost\" is not host:port"
        ),
        ("[server]\nhttp = \"127.0.0.1:99999\"\n[areas]\nfile = \"a\"\n", "x.toml:2: server.http:"),
        ("[server]\nhtp = \"127.0.0.1:1\"\n[areas]\nfile = \"a\"\n", "x.toml:2: server.htp: unknown key"),
        (
            "[server]\nmax_body_bytes = \"64k\"\n[areas]\nfile = \"a\"\n",
            "x.toml:2: server.max_body_bytes: expected an integer, got a string"
        ),
        (
            "[server]\nmax_body_bytes = 10\n[areas]\nfile = \"a\"\n",
            "x.toml:2: server.max_body_bytes: 10 is out of range"
        ),
        ("[log]\nlevel = \"loud\"\n[areas]\nfile = \"a\"\n", "x.toml:2: log.level: \"loud\" is not one of"),
        ("[areas]\n", "x.toml:1: areas.file is required"),
        (
            "[correlation]\nwindow_minutes = -5\n[areas]\nfile = \"a\"\n",
            "x.toml:2: correlation.window_minutes: -5 is out of range"
        ),
        ("[classifier]\nrule = \"c.toml\"\n[areas]\nfile = \"a\"\n", "x.toml:2: classifier.rule: unknown key"),
        ("colour = \"red\"\n[areas]\nfile = \"a\"\n", "x.toml:1: colour: unknown key"),
        (
            "[server]\nhttp = \"\"\nunix_socket = \"\"\n[areas]\nfile = \"a\"\n",
            "x.toml:1: both http and unix_socket are disabled"
        ),
        ("[server\n", "x.toml:1: expected ']'"),
        (
            "[limits]\nsign_in_rate = \"0/10\"\n[areas]\nfile = \"a\"\n",
            "x.toml:2: limits.sign_in_rate: \"0/10\" is not PER_SECOND/BURST"
        ),
        (
            "[limits]\nanonymous_rate = \"fast\"\n[areas]\nfile = \"a\"\n",
            "x.toml:2: limits.anonymous_rate: \"fast\" is not PER_SECOND/BURST"
        ),
        (
            "[server]\ntrusted_proxies = [\"nginx.local\"]\n[areas]\nfile = \"a\"\n",
            "x.toml:2: server.trusted_proxies: \"nginx.local\" is not an IP address"
        ),
        (
            "[server]\ntrusted_proxies = \"127.0.0.1\"\n[areas]\nfile = \"a\"\n",
            "x.toml:2: server.trusted_proxies:"
        ),
    ])
    func invalidConfigurationNamesFileLineKeyAndReason(text: String, expected: String) {
        do {
            _ = try DeskConfiguration.parse(text, file: "x.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func aMissingFileIsNamed() {
        #expect(throws: ConfigError.self) { _ = try DeskConfiguration.load(path: "/nonexistent/deskd.toml") }
        do {
            _ = try DeskConfiguration.load(path: "/nonexistent/deskd.toml")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/deskd.toml: cannot read the file"))
        }
    }

    @Test func hostPortForms() {
        #expect(DeskConfiguration.HostPort("[::1]:8440")?.host == "::1")
        #expect(DeskConfiguration.HostPort("[::1]:8440")?.description == "[::1]:8440")
        #expect(DeskConfiguration.HostPort("localhost:0")?.port == 0)
        #expect(DeskConfiguration.HostPort("::1:8440") == nil)
        #expect(DeskConfiguration.HostPort(":8440") == nil)
    }
}

@Suite struct SeedFileTests {
    @Test func theShippedAreasAreValidAndNeighboursAreMutual() throws {
        let areas = try SeedFiles.areas(path: repositoryRoot + "/seeds/areas.json")
        #expect(areas.count >= 25)
        let byID = Dictionary(uniqueKeysWithValues: areas.map { ($0.id, $0) })
        for name in ["Bredäng", "Rinkeby", "Tensta", "Husby", "Angered", "Hjällbo", "Rosengård"] {
            #expect(areas.contains { $0.name == name }, "missing \(name)")
        }
        for area in areas {
            for neighbour in area.neighbours {
                #expect(byID[neighbour]?.neighbours.contains(area.id) == true, "\(area.id) ↔ \(neighbour)")
            }
        }
    }

    @Test func theShippedDemoReportsLoad() throws {
        let reports = try SeedFiles.demoReports(path: repositoryRoot + "/seeds/demo-reports.json")
        #expect(Set(reports.compactMap(\.phase)) == [.before, .during, .after])
    }

    @Test func brokenAreaFilesAreRefusedWithTheReason() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases = [
            (
                #"{"areas": [{"id": "a", "name": "A", "city": "C", "neighbours": ["b"]}]}"#,
                "b is not another listed area"
            ),
            (#"{"areas": [{"id": "A B", "name": "A", "city": "C"}]}"#, "must be a lower-case slug"),
            (
                #"{"areas": [{"id": "a", "name": "A", "city": "C"}, {"id": "a", "name": "B", "city": "C"}]}"#,
                "listed twice"
            ),
            (#"{"areas": [{"id": "a", "city": "C"}]}"#, "areas[0].name: is required"),
            (#"{"areas": "#, "not valid JSON"),
        ]
        for (index, (json, message)) in cases.enumerated() {
            let path = directory.appendingPathComponent("areas\(index).json").path
            try Data(json.utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try SeedFiles.areas(path: path)
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.description.contains(message), "\(error.description)")
                #expect(error.description.hasPrefix(path))
            }
        }
    }
}
