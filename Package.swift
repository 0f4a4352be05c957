// swift-tools-version:6.1
// The census collection platform.
//
// Modules follow the pipeline, and dependencies point one way:
//   Questionnaire (schema model + evaluator)
//     <- QuestionnaireLanguage (source -> checked schema)
//     <- ResponseStore (address frame, access codes, shards)
//     <- CensusCollection (frame check, evaluation, kind rule, store: the one write path)
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
            name: "CensusCollection",
            dependencies: ["Questionnaire", "ResponseStore"]
        ),
        .executableTarget(
            name: "CensusCLI",
            dependencies: [
                "Questionnaire", "QuestionnaireLanguage", "ResponseStore", "CensusCollection",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
        .testTarget(name: "CensusCollectionTests", dependencies: ["CensusCollection", "ResponseStore", "Questionnaire"]),
    ]
)
