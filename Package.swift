// swift-tools-version:6.1
// The census collection platform.
//
// Modules follow the pipeline, and dependencies point one way (each line depends only on
// modules above it; checked against the import lines):
//   Questionnaire          schema model, canonical JSON, values, the evaluator
//   QuestionnaireLanguage  source -> checked schema                     (Questionnaire)
//   UnfinishedOutput       the bookkeeping that lets an interrupted command leave no
//                          unfinished output (Foundation only)
//   SystemReasons          why a file or directory could not be created, in words a user can
//                          act on (the system's reason, what it means there, what to do), and the
//                          one loop that writes a buffer whole (libc only)
//   CensusCommandLine      what the executables share: messages and exit statuses, plain file
//                          access, the signal policy, `check` and `compile`
//                          (Questionnaire, QuestionnaireLanguage, UnfinishedOutput, SystemReasons,
//                          ArgumentParser)
//   DurableFiles           crash-safe writes, read-only opens, SQLite durability and backups,
//                          capped echoes of input in messages (UnfinishedOutput, SystemReasons,
//                          CSQLiteConfig: SQLite's start-time options)
//   AddressFrame           households, frame CSV import, access codes   (DurableFiles)
//   ResponseStore          shards, group-commit writers, returns        (DurableFiles)
//   SyntheticCensus        synthetic households, route coverage, synthetic frames, one seeded
//                          generator                    (Questionnaire, AddressFrame)
//   CensusCollection       frame check, evaluation, kind rule, store: the one write path
//                          (Questionnaire, DurableFiles, AddressFrame, ResponseStore)
//   Aggregation            exports, progress, protected tables, reports from the shards
//                          (Questionnaire, AddressFrame, ResponseStore, CZlib: system zlib,
//                          CLibdeflate: system libdeflate)
//   FieldOperations        staff accounts (bcrypt, TOTP), the hash-chained audit log, double
//                          keying records (DurableFiles)
//   CollectionServer       the household pages and the staff pages over HTTP (Hummingbird,
//                          hummingbird-auth, swift-extras-base64; swift-nio's HTTP/1 parser errors
//                          and swift-nio-extras' HTTP parts): sessions, the journey, keying
//                          (Questionnaire, DurableFiles, AddressFrame, ResponseStore, CensusCollection,
//                          FieldOperations, CSwiftTaskHook: the runtime's global-executor hook)
//   CensusCLI (`census`), CensusBenchmarks (`census-bench`)             (all of the above)
//   CensusCompiler (`census-compile`): the compiler alone, for a fast start (CensusCommandLine)
import Foundation
import PackageDescription

/// The linker flags of a statically linked release executable on Linux (`census`, `census-compile`): the
/// Swift runtime and Foundation from the toolchain's `swift_static` folder. `-static-stdlib`
/// alone links the runtime; the modules here were compiled for the shared Foundation, whose
/// module does not name the static libraries that static Foundation needs, so they are named.
/// The link prints one warning from the toolchain's static FoundationEssentials (`mktemp`), not
/// from this package; lld would not print it but made the executable 0.5-1 ms slower to start.
let staticSwiftRuntime = [
    "-static-stdlib",
    "-lFoundationInternationalization", "-lFoundationEssentials", "-lCoreFoundation", "-l_FoundationICU",
    "-l_FoundationCShims", "-l_FoundationCollections", "-lswiftSynchronization", "-lswift_RegexParser",
    "-lswift_StringProcessing",
]

/// `CENSUS_LINK_STATIC=1 swift build --product census`: the debug `census` linked as release
/// builds are (`staticSwiftRuntime`), for `.ci/executor-check`; only the link changes, so the
/// build's objects stay those of the tests (a `--static-swift-stdlib` build recompiles some
/// modules for the static runtime and leaves them behind for the next, dynamic, link).
let staticLinkConfiguration: BuildSettingCondition = ProcessInfo.processInfo.environment["CENSUS_LINK_STATIC"] == "1"
    ? .when(platforms: [.linux]) : .when(platforms: [.linux], configuration: .release)

let package = Package(
    name: "census",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "census", targets: ["CensusCLI"]),
        .executable(name: "census-bench", targets: ["CensusBenchmarks"]),
        .executable(name: "census-compile", targets: ["CensusCompiler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64.git", from: "1.2.0"),  // base64url (hummingbird-auth's own)
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),  // Hummingbird's HTTP parts, named by the server
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),  // Hummingbird's HTTP types, named by the server
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),  // census-bench's load client
    ],
    targets: [
        .target(
            name: "Questionnaire",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "QuestionnaireLanguage",
            dependencies: ["Questionnaire"]
        ),
        .target(name: "UnfinishedOutput"),
        .target(name: "SystemReasons"),
        .target(
            name: "CensusCommandLine",
            dependencies: [
                "Questionnaire", "QuestionnaireLanguage", "UnfinishedOutput", "SystemReasons",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "DurableFiles",
            dependencies: ["UnfinishedOutput", "SystemReasons", "CSQLiteConfig", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The Swift runtime's global-enqueue hook, resolved by the linker (EventLoopExecutor:
        // swift-nio's dlsym look-up fails when the runtime is linked statically).
        .systemLibrary(name: "CSwiftTaskHook"),
        // SQLite's start-time options (`sqlite3_config`, which Swift cannot call: it is variadic).
        .systemLibrary(
            name: "CSQLiteConfig",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(
            name: "AddressFrame",
            dependencies: [
                "DurableFiles", "UnfinishedOutput",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C calls, for scans too large to read through GRDB's rows.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ResponseStore",
            dependencies: [
                "DurableFiles", "UnfinishedOutput",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C calls, for a batch job's reading of every version of a shard.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "SyntheticCensus",
            dependencies: ["Questionnaire", "AddressFrame", "DurableFiles", "UnfinishedOutput"]
        ),
        .target(
            name: "CensusCollection",
            dependencies: [
                "Questionnaire", "DurableFiles", "AddressFrame", "ResponseStore",
                // zlib, for the archive of a submitted household's page saves
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Staff accounts (bcrypt passwords, TOTP), the hash-chained audit log, keying records.
        .target(
            name: "FieldOperations",
            dependencies: [
                "DurableFiles",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C calls, for the audit log's inserts (a keyed save's record).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
            ]
        ),
        // zlib from the system (gzip exports and their verification).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // libdeflate from the system (the export's gzip blocks: whole-buffer compression, 14-41%
        // faster than zlib on the export at about the same size: BENCHMARKS.md, "Aggregation").
        .systemLibrary(
            name: "CLibdeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"]), .brew(["libdeflate"])]
        ),
        .target(
            name: "Aggregation",
            dependencies: [
                "Questionnaire", "DurableFiles", "UnfinishedOutput", "AddressFrame", "ResponseStore", "CZlib", "CLibdeflate",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CollectionServer",
            dependencies: [
                "Questionnaire", "DurableFiles", "AddressFrame", "ResponseStore", "CensusCollection", "FieldOperations",
                "CSwiftTaskHook",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),  // HTTP1Channel's configuration
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),  // the machine-token file
                // Imported by the server's own code (statuses and headers, byte buffers, the
                // event loop group): Hummingbird's dependencies, declared rather than borrowed.
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // The HTTP/1 parser's errors and the HTTP parts around them, for the answer to a
                // request the parser refuses (MalformedRequestAnswer).
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            resources: [.copy("Resources/Templates"), .copy("Resources/Assets"), .copy("Resources/OpenAPI")]
        ),
        .executableTarget(
            name: "CensusCLI",
            dependencies: [
                "Questionnaire", "QuestionnaireLanguage", "DurableFiles", "AddressFrame", "ResponseStore", "CensusCollection",
                "SyntheticCensus", "CollectionServer", "Aggregation", "FieldOperations", "UnfinishedOutput", "CensusCommandLine", "SystemReasons",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Release builds on Linux link the Swift runtime and Foundation statically, as
            // `census-compile` does: the loader's relocations over some 20 shared libraries were
            // most of the start of every `census` command (`census compile` about 22 ms as a
            // whole process, 18 ms linked statically: BENCHMARKS.md, "Questionnaire compiler").
            // Debug builds (CI, `swift test`) link dynamically, but for `.ci/executor-check`.
            linkerSettings: [.unsafeFlags(staticSwiftRuntime, staticLinkConfiguration)]
        ),
        // `census-compile`: `census compile` in an executable that links the compiler and
        // nothing else (no server, store or SQLite), statically linked to the Swift runtime and
        // Foundation in release builds on Linux: a compile then takes about 13 ms as a whole
        // process instead of about 23 (BENCHMARKS.md, "Questionnaire compiler"), most of it
        // the loader and the runtime's protocol-conformance scans of the large `census` image.
        .executableTarget(
            name: "CensusCompiler",
            dependencies: ["CensusCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            linkerSettings: [.unsafeFlags(staticSwiftRuntime, .when(platforms: [.linux], configuration: .release))]
        ),
        .executableTarget(
            name: "CensusBenchmarks",
            dependencies: [
                "Questionnaire", "QuestionnaireLanguage", "AddressFrame", "DurableFiles", "ResponseStore", "SyntheticCensus",
                "CensusCollection",  // the journeys' variant of the form, as the server decides it
                "FieldOperations",  // keying-audit: the collection path and the audit log
                "CensusCommandLine",  // the CLI's message convention (a missing benchmark, as a missing command)
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),  // the raw-SQLite ceiling
                .product(name: "AsyncHTTPClient", package: "async-http-client"),  // the server's load client
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Tests mirror the modules; a test target names every module it imports, and the
        // executables whose binaries it runs (CensusCLITests runs `census`, the crash test
        // `census-bench`).
        .target(name: "CensusTestSupport", path: "Tests/CensusTestSupport"),
        .testTarget(
            name: "QuestionnaireLanguageTests",
            dependencies: ["QuestionnaireLanguage", "Questionnaire", "SyntheticCensus"],
            exclude: ["Golden", "Forms"]  // read through #filePath, not bundled
        ),
        .testTarget(name: "QuestionnaireTests", dependencies: ["Questionnaire", "QuestionnaireLanguage", "SyntheticCensus"]),
        .testTarget(name: "SyntheticCensusTests", dependencies: ["SyntheticCensus", "Questionnaire", "QuestionnaireLanguage"]),
        .testTarget(name: "DurableFilesTests", dependencies: ["DurableFiles", "UnfinishedOutput", "SystemReasons", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AddressFrameTests", dependencies: ["AddressFrame", "DurableFiles", "SyntheticCensus", "CensusTestSupport"]),
        .testTarget(
            name: "ResponseStoreTests",
            dependencies: [
                "ResponseStore", "DurableFiles", "SyntheticCensus", "CensusTestSupport", "CensusBenchmarks",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "CensusCollectionTests",
            dependencies: ["CensusCollection", "AddressFrame", "ResponseStore", "Questionnaire", "CensusTestSupport"]
        ),
        .testTarget(
            name: "CensusCLITests",
            dependencies: [
                "CensusCLI", "CensusCompiler", "AddressFrame", "ResponseStore", "DurableFiles", "UnfinishedOutput", "SyntheticCensus", "CensusTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Browser"]  // the browser journeys' driver (python), run by the tests
        ),
        .testTarget(
            name: "AggregationTests",
            dependencies: [
                "Aggregation", "CensusCollection", "SyntheticCensus", "AddressFrame", "ResponseStore", "Questionnaire",
                "QuestionnaireLanguage", "CensusTestSupport",
            ],
            exclude: ["Browser"]  // scripts run by the tests, not compiled
        ),
        .testTarget(
            name: "FieldOperationsTests",
            dependencies: ["FieldOperations", "CensusTestSupport", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "HummingbirdOTP", package: "hummingbird-auth")]
        ),
        .testTarget(
            name: "CollectionServerTests",
            dependencies: [
                "CollectionServer", "CensusCollection", "FieldOperations", "CensusTestSupport",
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"), "Questionnaire", "QuestionnaireLanguage", "AddressFrame", "ResponseStore",
                "SyntheticCensus",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Forms"]  // read through #filePath, not bundled
        ),
    ]
)

