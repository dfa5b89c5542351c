// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "IncidentDesk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "deskd", targets: ["deskd"]),
        .executable(name: "deskctl", targets: ["deskctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Domain: incidents, reports, timeline, validation. No I/O.
        .target(name: "DeskCore"),
        // Configuration: a TOML reader with line numbers and the daemon's typed configuration.
        .target(name: "DeskConfig", dependencies: ["DeskCore"]),
        // Storage: GRDB over the system SQLite (the embedded default), or PostgreSQL through postgres-nio.
        .target(
            name: "DeskStorage",
            dependencies: [
                "DeskCore", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the few reads that step a statement themselves.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libsystemd (sd_notify, sd_listen_fds, sd_watchdog_enabled, sd_journal_sendv).
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // systemd integration: notifications, watchdog, socket activation, journald logging.
        .target(
            name: "DeskSystemd",
            dependencies: [
                "CSystemd", "DeskCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Webhook notifications: signed JSON POSTs with async-http-client.
        .target(
            name: "DeskNotify",
            dependencies: [
                "DeskCore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Wire types shared by the server and the CLI.
        .target(name: "DeskAPIModels", dependencies: ["DeskCore"]),
        // HTTP API: routes, request context, problem+json mapping.
        .target(
            name: "DeskAPI",
            dependencies: [
                "DeskCore", "DeskAPIModels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [
                .embedInCode("openapi.yaml"),
                .embedInCode("Console/Assets/index.html"),
                .embedInCode("Console/Assets/style.css"),
                .embedInCode("Console/Assets/app.js"),
                .embedInCode("Console/Assets/api.js"),
                .embedInCode("Console/Assets/live.js"),
                .embedInCode("Console/Assets/dom.js"),
                .embedInCode("Console/Assets/i18n.js"),
                .embedInCode("Console/Assets/board.js"),
                .embedInCode("Console/Assets/report.js"),
                .embedInCode("Console/Assets/incident.js"),
                .embedInCode("Console/Assets/duty.js"),
                .embedInCode("Console/Assets/trends.js"),
            ]
        ),
        // Client used by deskctl (and by tests): HTTP over TCP or a Unix socket.
        .target(
            name: "DeskClient",
            dependencies: [
                "DeskAPIModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "deskd",
            dependencies: [
                "DeskCore", "DeskConfig", "DeskStorage", "DeskAPI", "DeskSystemd", "DeskNotify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "deskctl",
            dependencies: [
                "DeskAPIModels", "DeskClient", "DeskCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: the classifier built from the repository's lexicon.
        .target(name: "DeskTestSupport", dependencies: ["DeskCore", "DeskConfig"], path: "Tests/DeskTestSupport"),
        // Classifier benchmark (`make bench`): medians and a same-run baseline, never a timed test.
        .executableTarget(name: "desk-bench", dependencies: ["DeskCore", "DeskConfig", "DeskStorage"]),
        // Classifier corpus tool (`make train`, `make cv`): blind scores, training, cross-validation.
        .executableTarget(name: "desk-train", dependencies: ["DeskCore", "DeskConfig"]),
        // Load benchmark (`make bench-load`): a release deskd over TCP and the Unix socket against a no-storage ceiling.
        .executableTarget(
            name: "desk-load",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "DeskCoreTests", dependencies: ["DeskCore", "DeskTestSupport"]),
        .testTarget(name: "DeskSystemdTests", dependencies: ["DeskSystemd", "DeskTestSupport"]),
        .testTarget(
            name: "DeskConfigTests", dependencies: ["DeskConfig", "DeskCore", "DeskTestSupport"], exclude: ["Helpers"]),
        // The classifier with the shipped lexicon: corpus accuracy and each signal family.
        .testTarget(
            name: "ClassifierTests", dependencies: ["DeskCore", "DeskConfig", "DeskTestSupport"],
            exclude: ["Fixtures", "Blind", "BlindMultilingual"]),
        .testTarget(
            name: "DeskStorageTests",
            dependencies: [
                "DeskStorage", "DeskCore", "DeskTestSupport", "DeskNotify",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "DeskAPITests",
            dependencies: [
                "DeskAPI", "DeskCore", "DeskStorage", "DeskAPIModels", "DeskClient", "DeskTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Helpers"]
        ),
        // End-to-end tests that run the built deskd and deskctl binaries (and desk-bench's history
        // writer for the trends).
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["DeskAPIModels", "DeskTestSupport", "deskd", "deskctl", "desk-bench"],
            exclude: ["Helpers"]),
    ],
    swiftLanguageModes: [.v6]
)
