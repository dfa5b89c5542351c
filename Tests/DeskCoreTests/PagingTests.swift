import DeskCore
import Testing

@Suite struct PagingTests {
    @Test func cursorsRoundTripAndAreOpaque() throws {
        let id = try #require(DeskID("0193f0a2-7c4e-7a31-8c2d-3f5e6a7b8c9d"))
        for cursor in [PageCursor.afterID(id), .afterSequence(42), .afterKey("bredang")] {
            #expect(try PageCursor(token: cursor.token) == cursor)
            #expect(!cursor.token.contains(":"))
        }
    }

    @Test(arguments: ["", "!!!", "aGVsbG8", "czotNQ", String(repeating: "A", count: 5000)])
    func foreignCursorsAreRefused(token: String) {
        #expect(throws: DeskError.self) { _ = try PageCursor(token: token) }
    }

    @Test func limitIsBounded() throws {
        #expect(try PageRequest().limit == 50)
        #expect(throws: DeskError.invalidParameter("limit", "must be between 1 and 500 (got 0)")) {
            _ = try PageRequest(limit: 0)
        }
        #expect(throws: DeskError.self) { _ = try PageRequest(limit: 501) }
    }

    @Test func trimmingKeepsLimitAndPointsPastTheLastKeptItem() {
        let page = Page.trimming([1, 2, 3, 4], limit: 3) { PageCursor.afterSequence(Int64($0)) }
        #expect(page.items == [1, 2, 3])
        #expect(page.nextCursor == .afterSequence(3))
        #expect(Page.trimming([1, 2, 3], limit: 3) { PageCursor.afterSequence(Int64($0)) }.nextCursor == nil)
    }

    @Test func areaDirectorySuggestsOnlyCloseNames() {
        let directory = AreaDirectory([
            Area(id: "rosengard", name: "Rosengård", city: "Malmö"),
            Area(id: "rinkeby", name: "Rinkeby", city: "Stockholm"),
        ])
        #expect(directory.lookup("rosengård")?.id == "rosengard")
        #expect(directory.suggestion(for: "Rosengard")?.id == "rosengard")
        #expect(directory.suggestion(for: "Rinkby")?.id == "rinkeby")
        #expect(directory.suggestion(for: "Göteborg") == nil)
    }
}
