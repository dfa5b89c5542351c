import DeskAPIModels
import DeskCore
import DeskTestSupport
import Foundation
import Testing

@testable import DeskAPI

/// Many random inputs through the request decoders and validation: nothing crashes, every input
/// is either accepted or refused with a located error. Bounded (a few seconds), seeded (a failure
/// names its seed and iteration, so it can be replayed).
@Suite struct PropertyTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func theJSONCheckerAndDecodersNeverCrashAndAgreeWithFoundation(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let areas = AreaDirectory([Area(id: "bredang", name: "Bredäng", city: "Stockholm")])
        var accepted = 0
        for iteration in 0..<4000 {
            let bytes = RandomInput.jsonBytes(&rng)
            let shape: JSONSyntax.Shape
            do {
                shape = try JSONSyntax.parse(bytes, maxDepth: 32).shape
            } catch {
                continue
            }
            // What the checker accepts, Foundation parses too.
            #expect(
                (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil,
                "seed \(seed) iteration \(iteration): \(String(decoding: bytes, as: UTF8.self))")
            guard shape.isObject, let request = try? DeskJSON.decoder().decode(ReportFieldsBody.self, from: Data(bytes))
            else { continue }
            do {
                _ = try request.fields.validated(areas: areas, limits: ReportLimits(), now: Date())
                accepted += 1
            } catch .invalid(let issues) {
                #expect(!issues.isEmpty && issues.allSatisfy { $0.pointer.hasPrefix("/") })
            } catch .unknownArea {
            } catch {
                Issue.record("seed \(seed) iteration \(iteration): unexpected \(error)")
            }
        }
        _ = accepted
    }

    @Test func deeplyNestedInputIsRefusedWithoutRecursingAway() throws {
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: (any Error).self) { try JSONSyntax.parse(deep, maxDepth: 32) }
        let wide = Array(
            ("{\"a\":" + String(repeating: "[1,", count: 20_000) + "1" + String(repeating: "]", count: 20_000) + "}")
                .utf8)
        #expect(throws: (any Error).self) { try JSONSyntax.parse(wide, maxDepth: 32) }
    }
}
