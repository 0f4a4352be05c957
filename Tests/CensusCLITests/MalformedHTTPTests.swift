import CensusTestSupport
import Foundation
import XCTest

/// Requests no ordinary client sends, written byte for byte to a real `census serve`: each gets
/// a 4xx that says what is wrong (the router-level tests never see the HTTP parser).
final class MalformedHTTPTests: XCTestCase {
    /// A chunked body with a malformed chunk size was answered 413 "the body is larger than
    /// 64 KiB" (every failure to read a body was taken for a too-large one).
    func testABodyThatDoesNotArriveWholeIsNotCalledTooLarge() throws {
        let served = try ServedStore(households: 20)
        defer { served.remove() }
        try served.start()
        defer { served.stop(SIGTERM) }
        let api = try Self.exchange(port: served.port, """
            POST /api/v1/auth HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n
            """)
        XCTAssertTrue(api.hasPrefix("HTTP/1.1 400 "), api)
        XCTAssertTrue(api.contains(#""code":"unreadable_body""#), api)
        XCTAssertTrue(api.contains("chunked encoding is malformed"), api)

        let page = try Self.exchange(port: served.port, """
            POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n
            """)
        XCTAssertTrue(page.hasPrefix("HTTP/1.1 400 "), page)
        XCTAssertTrue(page.contains("did not arrive whole"), page)
        XCTAssertFalse(page.contains("Too much was sent"), page)

        let staff = try Self.exchange(port: served.port, """
            POST /staff/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n
            """)
        XCTAssertTrue(staff.hasPrefix("HTTP/1.1 400 "), staff)
        XCTAssertTrue(staff.contains("did not arrive whole"), staff)
    }

    /// A request NIO's HTTP/1.1 parser refuses was answered by Hummingbird with a bare
    /// `400` and `Content-Length: 0`: nothing said what was wrong. Now it is a problem
    /// document naming the fault, and header fields past the limit are 431.
    func testARequestThatIsNotHTTPSaysWhatIsWrong() throws {
        let served = try ServedStore(households: 20)
        defer { served.remove() }
        try served.start()
        defer { served.stop(SIGTERM) }
        for (request, status, code, words) in [
            ("GET /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nthis line is no header\r\n\r\n", "400 Bad Request", "malformed_http", "header field"),
            ("GET /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Name\u{1}: value\r\n\r\n", "400 Bad Request", "malformed_http", "header field"),
            ("G<T / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "400 Bad Request", "malformed_http", "method"),
            ("GET /sign-in HTTP/7.1\r\nHost: 127.0.0.1\r\n\r\n", "400 Bad Request", "malformed_http", "version"),
            ("POST /api/v1/auth HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n\r\n", "400 Bad Request", "malformed_http", "Content-Length"),
            ("GET /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: \(String(repeating: "a", count: 100_000))\r\n\r\n",
             "431 Request Header Fields Too Large", "header_fields_too_large", "80 KiB"),
        ] {
            let answer = try Self.exchange(port: served.port, request)
            let head = String(request.prefix(40))
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 \(status)\r\n"), "\(head): \(answer)")
            XCTAssertTrue(answer.lowercased().contains("content-type: application/problem+json"), "\(head): \(answer)")
            XCTAssertTrue(answer.lowercased().contains("connection: close"), "\(head): \(answer)")
            XCTAssertTrue(answer.contains(#""code":"\#(code)""#), "\(head): \(answer)")
            XCTAssertTrue(answer.contains(words), "\(head): \(answer)")
        }
        // The server goes on answering well-formed requests.
        let fine = try Self.exchange(port: served.port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(fine.hasPrefix("HTTP/1.1 200 "), fine)
    }

    /// Writes `request` to 127.0.0.1:`port` and reads the answer until the server closes the
    /// connection or 5 s pass.
    static func exchange(port: Int, _ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NSError(domain: "socket", code: Int(errno)) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw NSError(domain: "connect", code: Int(errno)) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            answer += chunk[0..<n]
            // One answer is enough: stop at the end of its body when its length is known.
            let text = String(decoding: answer, as: UTF8.self)
            if let headEnd = text.range(of: "\r\n\r\n"), let length = text[..<headEnd.lowerBound].firstMatch(of: /Content-Length: (\d+)/.ignoresCase())
                .flatMap({ Int($0.1) }), text.utf8.count - text[..<headEnd.upperBound].utf8.count >= length {
                break
            }
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
