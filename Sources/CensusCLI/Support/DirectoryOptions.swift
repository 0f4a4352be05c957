import AddressFrame
import ArgumentParser
import Foundation

/// `--dir` of the `store` commands: the store directory (`manifest.json`, `shards/`).
struct StoreDirectory: ParsableArguments {
    @Option(help: "Store directory (holding manifest.json and shards/).")
    var dir: String

    func validate() throws { try PathArgument.directory(dir, "--dir") }

    var url: URL { URL(fileURLWithPath: dir) }
}

/// `--dir` of the `frame` commands: the directory holding `frame.sqlite` (normally the store
/// directory).
struct FrameDirectory: ParsableArguments {
    @Option(help: "Directory holding frame.sqlite (normally the store directory).")
    var dir: String

    func validate() throws { try PathArgument.directory(dir, "--dir") }

    /// The frame file, `DIR/frame.sqlite`.
    var file: URL { frameURL(dir) }
}
