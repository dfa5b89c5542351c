import DeskCore
import Foundation
import GRDB
import Testing

@testable import DeskStorage

/// Issue 16, items 8 and 10: a head seen earlier anchors the chain; verification reads in pieces
/// and runs one at a time.
@Suite struct ChainHeadTests {
    @Test func aHeadSeenEarlierFindsTheNewestEventsRemovedOrRewritten() async throws {
        let desk = try await TimelineChainTests.filledDesk()
        let head = try await desk.desk.records.chainHead()
        let verified = try await desk.desk.records.verify()
        #expect(head.sequence == verified.headSequence && head.hash == verified.head && head.sequence == 9)
        let earlier = try #require(ChainHead("4:" + (try await Self.chainHash(desk, 4))))
        #expect(try await desk.desk.records.verify(anchor: earlier).anchor?.onChain == true)
        #expect(try await desk.desk.records.verify(anchor: head).verified)

        // The newest three events removed: the rest verifies, but the head seen earlier is gone.
        try await TimelineChainTests.tamper(desk, "DELETE FROM event WHERE seq > 6")
        let truncated = try await desk.desk.records.verify(anchor: head)
        #expect(truncated.intact && !truncated.verified)
        #expect(truncated.anchor?.reason == "the timeline ends at event 6: the newest events were removed")
        #expect(try await desk.desk.records.verify(anchor: earlier).verified)
        // A head whose hash differs (history rewritten from there on) is not on the chain either.
        let forged = ChainHead(sequence: 4, hash: String(repeating: "a", count: 64))
        let rewritten = try await desk.desk.records.verify(anchor: forged)
        #expect(
            rewritten.anchor?.onChain == false && rewritten.anchor?.reason?.contains("history was rewritten") == true)
    }

    @Test(arguments: TestEngine.all) func verificationReadsInPiecesAndGetsTheSameAnswer(engine: TestEngine) async throws
    {
        let desk = try await TimelineChainTests.filledDesk(engine)
        let whole = try await TimelineChain.verify(reading: try desk.database.engine, anchor: nil)
        for chunk in [1, 2, 4, 9, 10] {
            #expect(
                try await TimelineChain.verify(reading: try desk.database.engine, anchor: nil, chunk: chunk) == whole)
        }
        try await TimelineChainTests.tamper(desk, "UPDATE event SET actor = 'unix:mallory' WHERE seq = 5")
        let broken = try await TimelineChain.verify(reading: try desk.database.engine, anchor: nil, chunk: 2)
        #expect(broken.broken?.sequence == 5 && broken.events == 4)
    }

    @Test func headsParseOnlyWhenWellFormed() {
        let hash = String(repeating: "0f", count: 32)
        #expect(ChainHead("12:\(hash)") == ChainHead(sequence: 12, hash: hash))
        #expect(ChainHead("12:\(hash)")?.description == "12:\(hash)")
        for bad in ["", "12", "x:\(hash)", "-1:\(hash)", "12:\(hash.uppercased())", "12:abc", "12:\(hash):1"] {
            #expect(ChainHead(bad) == nil, "\(bad)")
        }
    }

    /// A second verification while one runs is refused at once, not queued.
    @Test func verificationsRunOneAtATime() async throws {
        let gate = OneAtATime(busy: .conflict(.verificationRunning))
        let (entered, enteredSignal) = AsyncStream<Void>.makeStream()
        let (release, releaseSignal) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await gate.run {
                enteredSignal.yield()
                for await _ in release { break }
                return 1
            }
        }
        for await _ in entered { break }
        await #expect(throws: DeskError.conflict(.verificationRunning)) { _ = try await gate.run { 2 } }
        releaseSignal.yield()
        #expect(try await first.value == 1)
        // Once it finished, the next one runs.
        #expect(try await gate.run { 3 } == 3)
    }

    static func chainHash(_ desk: CorrelatedDesk, _ sequence: Int64) async throws -> String {
        try await desk.database.text("SELECT chain_hash FROM event WHERE seq = ?", [sequence]) ?? ""
    }
}
