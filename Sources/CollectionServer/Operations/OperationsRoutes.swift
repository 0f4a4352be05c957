import AddressFrame
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Questionnaire
import ResponseStore

/// The routes for whoever runs the server: `/healthz`, `/readyz`, `/metrics`.
///
/// - `GET /healthz`: 200 `{"status": "ok"}` while the process serves requests (a liveness
///   probe: restart the process when it fails).
/// - `GET /readyz`: 200 when every shard can take a write now and the address frame can be
///   read; else 503, naming each shard or the frame that cannot (a readiness probe: send no
///   households here until it passes). Each shard's check is
///   ``ResponseStore/checkWritable(minimumFreeBytes:)``; the whole check has 2 seconds.
/// - `GET /metrics`: the Prometheus text format (``ServerMetrics``).
///
/// None of them needs a token; none shows a household, a code or an answer. Where they should
/// not be public, the proxy in front keeps them in.
struct OperationsRoutes: Sendable {
    let store: ResponseStore
    let frame: AddressFrame
    let metrics: ServerMetrics
    /// How long `/readyz` waits for the shards' write locks.
    var readinessDeadline: Duration = .seconds(2)

    func register(on router: Router<CensusRequestContext>) {
        router.get("/healthz") { _, _ in APIBody.json(["status": "ok"]) }
        router.get("/readyz") { _, _ in await readiness() }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        for path in ["/healthz", "/readyz", "/metrics"] { APIFace.refuseOtherMethods(router, path: path, allowed: [.get]) }
    }

    func readiness() async -> Response {
        let problems = await withDeadline(readinessDeadline) { checkNow() }
            ?? ["the readiness check did not finish in \(readinessDeadline.components.seconds) s (a shard's write lock is held)"]
        if problems.isEmpty { return APIBody.json(["status": "ready"]) }
        return APIBody.json(["status": "not_ready", "problems": .array(problems.map { .string($0) })], status: .serviceUnavailable)
    }

    /// What stops the server taking responses now (empty: nothing).
    func checkNow() -> [String] {
        var problems = store.checkWritable().compactMap { status in status.error.map { "shard \(status.index): \($0)" } }
        if access(frame.path, R_OK) != 0 {
            problems.append("the address frame \(frame.path) cannot be read")
        } else {
            do { _ = try frame.household("-") } catch { problems.append("the address frame \(frame.path) cannot be read: \(error)") }
        }
        return problems
    }

    /// Runs `work` on a thread of its own (it may wait for locks) and gives up waiting after `deadline`.
    private func withDeadline<T: Sendable>(_ deadline: Duration, _ work: @escaping @Sendable () -> T) async -> T? {
        let box = OnceBox<T?>()
        return await withCheckedContinuation { continuation in
            box.set(continuation)
            Thread.detachNewThread { box.resume(work()) }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(deadline.components.seconds * 1000 + deadline.components.attoseconds / 1_000_000_000_000_000))) {
                box.resume(nil)
            }
        }
    }
}

/// Resumes a continuation once, with whichever value comes first.
private final class OnceBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?

    func set(_ c: CheckedContinuation<T, Never>) { lock.withLock { continuation = c } }

    func resume(_ value: T) {
        let c = lock.withLock { () -> CheckedContinuation<T, Never>? in
            defer { continuation = nil }
            return continuation
        }
        c?.resume(returning: value)
    }
}
