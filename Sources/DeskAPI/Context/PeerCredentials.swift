import DeskCore
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The identity of the process at the other end of a Unix socket, from `SO_PEERCRED`.
enum PeerCredentials {
    /// `struct ucred` from `<sys/socket.h>` (Linux): pid, uid, gid.
    struct Credentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// `unix:NAME` for the peer's user, `unix:uid-N` when the uid has no name, `unix:unknown`
    /// when the kernel would not say.
    static func actor(of channel: any Channel) async -> Actor {
        guard let credentials = await credentials(of: channel) else { return Actor(rawValue: "unix:unknown") }
        return .unixUser(userName(uid: credentials.uid) ?? "uid-\(credentials.uid)")
    }

    /// The peer's credentials, or nil when the channel is not a Unix socket.
    static func credentials(of channel: any Channel) async -> Credentials? {
        #if os(Linux)
            guard let provider = channel as? any SocketOptionProvider else { return nil }
            let future: EventLoopFuture<Credentials> = provider.unsafeGetSocketOption(
                level: .socket, name: NIOBSDSocket.Option(rawValue: SO_PEERCRED)
            )
            return try? await future.get()
        #else
            return nil
        #endif
    }

    /// The login name of `uid`, from the password database.
    static func userName(uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
        guard status == 0, result != nil, let name = entry.pw_name else { return nil }
        return String(cString: name)
    }
}
