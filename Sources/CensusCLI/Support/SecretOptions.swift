import AddressFrame
import ArgumentParser
import CensusCommandLine
import Foundation

/// Options shared by commands that need the access-code secret.
struct SecretOptions: ParsableArguments {
    @Flag(help: "Use the public built-in development secret if none is configured. Demo only: anyone can check guessed codes against a frame keyed with it.")
    var devSecret = false

    func hasher() throws -> AccessCodeHasher {
        let secret = try DeploymentSecret.load(allowDevelopment: devSecret)
        if secret.isDevelopment {
            Console.warning("using the public development secret; codes are NOT protected. Set \(DeploymentSecret.fileVariable) for real use.")
        }
        return AccessCodeHasher(secret: secret)
    }
}
