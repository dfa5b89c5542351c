import DeskAPIModels
import DeskCore
import NIOCore
import Synchronization

/// The rendered answer of `GET /v1/areas` for the list of areas it was rendered from: the list
/// changes only on a reload, and is asked for on every console refresh and by every client at
/// start, so its bytes are written once per list and limit, not once per request.
///
/// A page is served from the cache only when the list it was rendered from is the current one
/// (arrays compare by storage first, so the check is cheap while nothing changed); a reload makes
/// the next request render afresh. Pages after a cursor are rendered each time.
final class AreaListCache: Sendable {
    private struct Entry {
        var areas: [Area]
        var limit: Int
        var bytes: ByteBuffer
    }

    private let entry = Mutex<Entry?>(nil)

    /// The first page of `areas` with `limit` items, rendered by `render` unless the same list and
    /// limit were rendered before.
    func firstPage(of areas: [Area], limit: Int, render: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        if let cached = entry.withLock({ $0 }), cached.limit == limit, cached.areas == areas { return cached.bytes }
        let bytes = try render()
        entry.withLock { $0 = Entry(areas: areas, limit: limit, bytes: bytes) }
        return bytes
    }
}
