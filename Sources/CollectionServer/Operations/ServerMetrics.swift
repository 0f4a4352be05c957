import Foundation
import Metrics
import Prometheus
import ResponseStore

/// The server's metrics, recorded through swift-metrics into a Prometheus registry of this
/// server's own (so several servers in one process, as in tests, keep separate counts) and
/// served at `/metrics` in the Prometheus text format.
///
/// | metric | type | labels |
/// |---|---|---|
/// | `census_http_requests_total` | counter | `route` (the route template, e.g. `/api/v1/households/{id}/status`, or `NotFound`), `method`, `status` |
/// | `census_http_request_duration_seconds` | histogram | `route`, `method`, `status` |
/// | `census_responses_stored_total` | counter | `kind` (`submitted`, `paper`, `partial`), `channel` (`online`, `paper`) |
/// | `census_response_replays_total` | counter | |
/// | `census_page_saves_total` | counter | |
/// | `census_store_write_failures_total` | counter | `shard` |
/// | `census_shard_commit_duration_seconds` | histogram | `shard` (each group commit, fsync included) |
/// | `census_shard_commit_batch_size` | histogram | `shard` (writes per group commit) |
/// | `census_sessions_started_total` | counter | `face` (`web` sign-ins, `api` household tokens) |
/// | `census_sessions_expired_total` | counter | (web sessions seen after their timeout) |
/// | `census_login_failures_total` | counter | `face`, `reason` (`wrong_code`, `client_locked`, `household_locked`) |
/// | `census_api_auth_failures_total` | counter | `reason` (`missing`, `malformed`, `unknown`, `expired`, `revoked`) |
/// | `census_event_loop_lag_seconds` | histogram | (how late an event loop ran its probe's tick: ``EventLoopLagProbe``) |
///
/// Label values are only ever route templates, methods, status codes, shard numbers and
/// the closed sets above: never a path as requested, a household id, a code, a token or an answer.
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` reads.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let requestCache = MetricCache<RequestKey, (Metrics.Counter, Metrics.Timer)>()
    private let shardCache = MetricCache<Int, ShardMetrics>()
    private let storedCache = MetricCache<String, Metrics.Counter>()
    private let labelledCache = MetricCache<String, Metrics.Counter>()
    private let replays: Metrics.Counter
    private let pageSaves: Metrics.Counter
    private let sessionsExpired: Metrics.Counter
    private let loopLagTimer: Metrics.Timer

    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct ShardMetrics: Sendable {
        var duration: Metrics.Timer
        var batchSize: Metrics.Recorder
        var failures: Metrics.Counter
    }

    /// Metrics in a new registry of their own, with the request-duration histogram's buckets
    /// (0.5 ms to 10 s) and the shard commit histograms' set for this server's figures.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            "census_http_request_duration_seconds": [
                .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
            ],
            "census_shard_commit_duration_seconds": [
                .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                .seconds(1), .seconds(5),
            ],
            "census_event_loop_lag_seconds": [
                .microseconds(100), .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
            ],
        ]
        factory.valueHistogramBuckets = ["census_shard_commit_batch_size": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096]]
        self.factory = factory
        replays = Metrics.Counter(label: "census_response_replays_total", factory: factory)
        pageSaves = Metrics.Counter(label: "census_page_saves_total", factory: factory)
        sessionsExpired = Metrics.Counter(label: "census_sessions_expired_total", factory: factory)
        loopLagTimer = Metrics.Timer(label: "census_event_loop_lag_seconds", factory: factory)
    }

    /// One request answered: `route` is the route template (``CensusRequestContext`` endpoint
    /// path), never the path as requested.
    func request(route: String, method: String, status: Int, nanoseconds: UInt64) {
        let key = RequestKey(route: route, method: method, status: status)
        let (counter, timer) = requestCache.get(key) {
            let dimensions = [("route", route), ("method", method), ("status", String(status))]
            return (Metrics.Counter(label: "census_http_requests_total", dimensions: dimensions, factory: factory),
                    Metrics.Timer(label: "census_http_request_duration_seconds", dimensions: dimensions, factory: factory))
        }
        counter.increment()
        timer.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// One group commit of a shard (the store's ``StoreOptions/commitObserver``).
    public func commit(_ commit: ShardCommit) {
        let shard = shardCache.get(commit.shard) {
            let dimensions = [("shard", String(commit.shard))]
            return ShardMetrics(
                duration: Metrics.Timer(label: "census_shard_commit_duration_seconds", dimensions: dimensions, factory: factory),
                batchSize: Metrics.Recorder(label: "census_shard_commit_batch_size", dimensions: dimensions, aggregate: true, factory: factory),
                failures: Metrics.Counter(label: "census_store_write_failures_total", dimensions: dimensions, factory: factory))
        }
        shard.duration.recordNanoseconds(Int64(commit.seconds * 1e9))
        shard.batchSize.record(commit.batchSize)
        if commit.failures > 0 { shard.failures.increment(by: commit.failures) }
        if commit.replays > 0 { replays.increment(by: commit.replays) }
        if commit.pageSaves > 0 { pageSaves.increment(by: commit.pageSaves) }
        for (kind, channel) in commit.stored {
            storedCache.get(kind.rawValue + "/" + channel.rawValue) {
                Metrics.Counter(label: "census_responses_stored_total", dimensions: [("kind", kind.rawValue), ("channel", channel.rawValue)], factory: factory)
            }.increment()
        }
    }

    /// How late an event loop ran a tick of ``EventLoopLagProbe``, in nanoseconds.
    public func loopLag(nanoseconds: Int64) { loopLagTimer.recordNanoseconds(nanoseconds) }

    /// A household signed in: `face` is `web` or `api`.
    func sessionStarted(face: String) {
        labelled("census_sessions_started_total", [("face", face)]).increment()
    }

    /// A web session seen after its timeout.
    func sessionExpired() { sessionsExpired.increment() }

    /// An access code refused or a sign-in locked out: `reason` is `wrong_code`,
    /// `client_locked` or `household_locked`.
    func loginFailure(face: String, reason: String) {
        labelled("census_login_failures_total", [("face", face), ("reason", reason)]).increment()
    }

    /// A bearer token refused: `reason` is `missing`, `malformed`, `unknown`, `expired` or `revoked`.
    func apiAuthFailure(reason: String) {
        labelled("census_api_auth_failures_total", [("reason", reason)]).increment()
    }

    private func labelled(_ name: String, _ dimensions: [(String, String)]) -> Metrics.Counter {
        let key = name + "|" + dimensions.map { $0.0 + "=" + $0.1 }.joined(separator: ",")
        return labelledCache.get(key) { Metrics.Counter(label: name, dimensions: dimensions, factory: factory) }
    }

    /// The Prometheus text exposition (format 0.0.4).
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// Metric handles by key, made once: the factory's own lookup takes a lock and builds label
/// keys on every call.
private final class MetricCache<Key: Hashable & Sendable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Key: Value] = [:]

    func get(_ key: Key, make: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value = values[key] { return value }
        let value = make()
        values[key] = value
        return value
    }
}
