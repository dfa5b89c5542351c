import DeskCore
import Foundation
import ServiceLifecycle
import Synchronization

/// Fans stored timeline events out to the live streams (`GET /v1/events`).
///
/// Fed by the desks' observers (the one place stored events are seen). Each subscriber has a
/// bounded buffer: a client too slow to keep up loses its stream (never memory) and resumes
/// from the database with `Last-Event-ID`. `close()` ends every stream, for shutdown. Streams are
/// capped in total and per owner (a principal), so that one viewer cannot take them all.
public final class EventHub: Sendable {
    /// What a stream receives.
    public enum Signal: Sendable, Hashable {
        /// A stored event; `area` when the publisher knew it.
        case event(TimelineEvent, area: String?)
        /// Time to write a keep-alive comment.
        case heartbeat
    }

    /// A live subscription: read `signals`; `feed` is for the subscriber's own heartbeats.
    public struct Subscription: Sendable {
        /// Its number in the hub.
        public let id: Int
        /// What the stream receives, in order.
        public let signals: AsyncStream<Signal>
        /// The stream's input: the subscriber's heartbeats go here; `finish()` ends the stream.
        public let feed: AsyncStream<Signal>.Continuation
    }

    /// Refused: `owner` already holds `limit` streams.
    public struct OwnerLimitReached: Error, Sendable, CustomStringConvertible {
        /// Whose streams (a principal's actor, e.g. `token:board`).
        public let owner: String
        /// Streams one owner may hold.
        public let limit: Int

        public var description: String {
            "\(owner) already has \(limit) live event streams open (at most \(limit) per principal)"
        }
    }

    private struct State {
        var subscribers: [Int: (continuation: AsyncStream<Signal>.Continuation, owner: String?)] = [:]
        var perOwner: [String: Int] = [:]
        var nextID = 0
        var closed = false
    }

    private let state = Mutex(State())
    /// Signals buffered per subscriber before it is cut off.
    public let bufferLimit: Int
    /// Streams open at once; more are refused with 503.
    public let maxSubscribers: Int
    /// Streams one owner may hold at once; more are refused (`OwnerLimitReached`, 429).
    public let maxPerOwner: Int

    /// Creates an empty hub.
    public init(bufferLimit: Int = 512, maxSubscribers: Int = 256, maxPerOwner: Int = 4) {
        self.bufferLimit = bufferLimit
        self.maxSubscribers = maxSubscribers
        self.maxPerOwner = maxPerOwner
    }

    /// Streams open now.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Hands stored events to every stream.
    public func publish(_ events: [TimelineEvent], area: String?) {
        guard !events.isEmpty else { return }
        let targets = state.withLock { $0.subscribers.values.map(\.continuation) }
        for continuation in targets {
            for event in events {
                if case .dropped = continuation.yield(.event(event, area: area)) {
                    // Too slow: end this stream; the client resumes from the database.
                    continuation.finish()
                    break
                }
            }
        }
    }

    /// Opens a stream for `owner` (nil: counted only in the total); throws `DeskError.unavailable`
    /// when the hub is full or closed, `OwnerLimitReached` when the owner holds `maxPerOwner`.
    public func subscribe(owner: String? = nil) throws -> Subscription {
        let (signals, continuation) = AsyncStream.makeStream(
            of: Signal.self, bufferingPolicy: .bufferingOldest(bufferLimit))
        let id: Result<Int, any Error> = state.withLock { state in
            guard !state.closed, state.subscribers.count < maxSubscribers else {
                return .failure(
                    DeskError.unavailable(
                        "too many live event streams are open (at most \(maxSubscribers)); try again shortly"))
            }
            if let owner {
                guard state.perOwner[owner, default: 0] < maxPerOwner else {
                    return .failure(OwnerLimitReached(owner: owner, limit: maxPerOwner))
                }
                state.perOwner[owner, default: 0] += 1
            }
            state.nextID += 1
            state.subscribers[state.nextID] = (continuation, owner)
            return .success(state.nextID)
        }
        switch id {
        case .failure(let error):
            continuation.finish()
            throw error
        case .success(let id):
            continuation.onTermination = { [weak self] _ in self?.remove(id) }
            return Subscription(id: id, signals: signals, feed: continuation)
        }
    }

    /// Ends every stream and refuses new ones.
    public func close() {
        let targets = state.withLock { state in
            state.closed = true
            return state.subscribers.values.map(\.continuation)
        }
        for continuation in targets { continuation.finish() }
    }

    private func remove(_ id: Int) {
        state.withLock { state in
            guard let owner = state.subscribers.removeValue(forKey: id)?.owner else { return }
            let left = state.perOwner[owner, default: 1] - 1
            state.perOwner[owner] = left > 0 ? left : nil
        }
    }
}

/// Closes the hub when deskd shuts down gracefully, so open event streams end and the listeners can stop.
public struct EventHubService: Service {
    let hub: EventHub

    /// Creates the service for `hub`.
    public init(hub: EventHub) { self.hub = hub }

    /// Waits for graceful shutdown, then closes the hub.
    public func run() async throws {
        try? await gracefulShutdown()
        hub.close()
    }
}
