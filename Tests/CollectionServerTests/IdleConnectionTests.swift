import CollectionServer
import Foundation
import Hummingbird
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A connection that never finishes its request, or an HTTP/1.0 client that waits for the
/// server to close, is closed after ``ServerConfiguration/idleConnectionTimeout`` instead of
/// holding a file descriptor for ever (found by trying the server with `nc`: an HTTP/1.0
/// request left the connection open). A real socket, since the router-level tests have none.
final class IdleConnectionTests: XCTestCase {
    func testAnIdleOrUnfinishedConnectionIsClosed() async throws {
        let fixture = try ServerFixture(households: 2) {
            $0.port = 0
            $0.idleConnectionTimeout = .seconds(1)
        }
        defer { fixture.remove() }
        let server = try await fixture.open()
        let (ports, portFound) = AsyncStream.makeStream(of: Int.self)
        let app = server.makeApplication(onServerRunning: { portFound.yield($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return XCTFail("the server did not start") }
            // Half a request head, then nothing; and a whole HTTP/1.0 request, answered, after
            // which the client waits for the close its protocol version implies.
            for sent in ["GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", "GET /healthz HTTP/1.0\r\n\r\n"] {
                let (closedAfter, received) = try await Task.detached { try Self.secondsUntilClosed(port: port, sending: sent, giveUpAfter: 10) }.value
                XCTAssertLessThan(closedAfter, 8, "closed by the idle timeout (1 s), not left open: \(sent.debugDescription)")
                if sent.contains("1.0") { XCTAssertTrue(received.contains(" 200 "), received) }
            }
            group.cancelAll()
        }
    }

    /// Connects to 127.0.0.1:`port`, sends `request`, and reads until the server closes the
    /// connection: the seconds that took (or `giveUpAfter` if it never did) and what was read.
    static func secondsUntilClosed(port: Int, sending request: String, giveUpAfter limit: Int) throws -> (Double, String) {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(socketFD) }
        var timeout = timeval(tv_sec: limit, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.init(rawValue: errno) ?? .ECONNREFUSED) }
        let started = Date()
        _ = request.utf8CString.withUnsafeBufferPointer { send(socketFD, $0.baseAddress, $0.count - 1, 0) }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socketFD, &buffer, buffer.count, 0)
            if count <= 0 { break }  // 0: closed by the server; -1: the receive timeout passed
            received += buffer[0..<count]
        }
        return (Date().timeIntervalSince(started), String(decoding: received, as: UTF8.self))
    }
}
