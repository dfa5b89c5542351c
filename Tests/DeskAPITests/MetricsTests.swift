import DeskCore
import Foundation
import Testing

/// `GET /metrics`: Prometheus text whose counters move when reports arrive.
@Suite struct MetricsTests {
    /// Samples of the text format: `name{labels} value`, checked line by line as a scraper would.
    static func samples(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw MetricsFormatError(line: String(line))
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    struct MetricsFormatError: Error { var line: String }

    @Test(arguments: transports)
    func countersMoveWhenReportsArrive(transport: Transport) async throws {
        try await TestServer.with { server in
            let before = try Self.samples(try await server.send(transport, .GET, "/metrics").text)
            #expect(before["deskd_open_incidents{phase=\"during\"}"] == 0)
            for text in ["Det brinner i trapphuset just nu", "Skottlossning vid torget just nu"] {
                let response = try await server.send(
                    transport, .POST, "/v1/reports", body: #"{"area": "rinkeby", "text": "\#(text)"}"#)
                #expect(response.status == 201)
            }
            let response = try await server.send(transport, .GET, "/metrics")
            #expect(response.status == 200)
            #expect(response.headers.first(name: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(response.text.contains("# TYPE deskd_reports_received_total counter"))
            let after = try Self.samples(response.text)
            let received = "deskd_reports_received_total{transport=\"\(transport.rawValue)\",phase=\"during\"}"
            #expect(after[received] == 2, "\(response.text)")
            #expect(after["deskd_incidents_opened_total{phase=\"during\"}"] == 2)
            #expect(after["deskd_open_incidents{phase=\"during\"}"] == 2)
            #expect(after["deskd_database_bytes"] == 4096)
            // Group commit: at least the two reports went through the write queue.
            #expect((after["deskd_writes_committed"] ?? 0) >= 2)
            #expect((after["deskd_write_batches"] ?? 0) >= 1)
            #expect(after["deskd_writes_refused"] == 0)
        }
    }
}
