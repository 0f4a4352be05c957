// swift-tools-version:6.1
// The census collection platform.
//
// Modules follow the pipeline, and dependencies point one way:
//   Questionnaire (schema model + evaluator)
//     <- QuestionnaireLanguage (source -> checked schema)
//     <- ResponseStore (address frame, access codes, shards)
//     <- CollectionServer (the household pages over HTTP: Hummingbird)
//     <- CensusCLI (`census`), CensusBenchmarks (`census-bench`)
import PackageDescription

let package = Package(
    name: "census",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "census", targets: ["CensusCLI"]),
        .executable(name: "census-bench", targets: ["CensusBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        .target(
            name: "ResponseStore",
            dependencies: [
                "Questionnaire",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CollectionServer",
            dependencies: [
                "Questionnaire", "ResponseStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources/Templates"), .copy("Resources/Assets")]
        ),
        .executableTarget(
            name: "CensusCLI",
            dependencies: [
                "Questionnaire", "QuestionnaireLanguage", "ResponseStore", "CollectionServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "CensusBenchmarks",
            dependencies: [
                "Questionnaire", "QuestionnaireLanguage", "ResponseStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "QuestionnaireLanguageTests",
            dependencies: ["QuestionnaireLanguage", "Questionnaire"],
            exclude: ["Golden", "Forms"]  // read through #filePath, not bundled
        ),
        .testTarget(name: "QuestionnaireTests", dependencies: ["Questionnaire", "QuestionnaireLanguage"]),
        .testTarget(name: "ResponseStoreTests", dependencies: ["ResponseStore", "Questionnaire"]),
        .testTarget(
            name: "CollectionServerTests",
            dependencies: [
                "CollectionServer", "Questionnaire", "QuestionnaireLanguage", "ResponseStore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
