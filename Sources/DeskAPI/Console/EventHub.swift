import DeskCore
import Foundation
import ServiceLifecycle
import Synchronization

/// Fans stored timeline events out to the live streams (`GET /v1/events`).
///
/// Fed by the desks' observers (the one place stored events are seen). Each subscriber has a
/// bounded buffer: a client too slow to keep up loses its stream (never memory) and resumes
/// from the database with `Last-Event-ID`. `close()` ends every stream, for shutdown.
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

    private struct State {
        var subscribers: [Int: AsyncStream<Signal>.Continuation] = [:]
        var nextID = 0
        var closed = false
    }

    private let state = Mutex(State())
    /// Signals buffered per subscriber before it is cut off.
    public let bufferLimit: Int
    /// Streams open at once; more are refused with 503.
    public let maxSubscribers: Int

    /// Creates an empty hub.
    public init(bufferLimit: Int = 512, maxSubscribers: Int = 256) {
        self.bufferLimit = bufferLimit
        self.maxSubscribers = maxSubscribers
    }

    /// Streams open now.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Hands stored events to every stream.
    public func publish(_ events: [TimelineEvent], area: String?) {
        guard !events.isEmpty else { return }
        let targets = state.withLock { Array($0.subscribers.values) }
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

    /// Opens a stream; `unavailable` when the hub is full or closed.
    public func subscribe() throws(DeskError) -> Subscription {
        let (signals, continuation) = AsyncStream.makeStream(
            of: Signal.self, bufferingPolicy: .bufferingOldest(bufferLimit))
        let id: Int? = state.withLock { state in
            guard !state.closed, state.subscribers.count < maxSubscribers else { return nil }
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            throw DeskError.unavailable(
                "too many live event streams are open (at most \(maxSubscribers)); try again shortly")
        }
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        return Subscription(id: id, signals: signals, feed: continuation)
    }

    /// Ends every stream and refuses new ones.
    public func close() {
        let targets = state.withLock { state in
            state.closed = true
            return Array(state.subscribers.values)
        }
        for continuation in targets { continuation.finish() }
    }

    private func remove(_ id: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
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
