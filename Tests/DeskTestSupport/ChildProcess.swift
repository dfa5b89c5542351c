import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process for the tests, started with `posix_spawn`: the part of Foundation's `Process`
/// the suites use (same names, same meaning), without the bug that made Foundation's crash them.
///
/// Foundation's `Process.run()` (Swift 6.3) lists `/proc/self/fd` to close every descriptor but
/// the child's three in the child, and copies each entry's 256-byte name field out of `readdir`'s
/// buffer, whatever the name's length. With about 1,300 descriptors open or more, an entry near
/// the end of a full buffer makes the copy read past it: a crash whenever the next page is not
/// mapped (measured: every time from new threads at 1,300 more descriptors, never at 1,200). The
/// whole suite holds up to 1,750 descriptors at once (the desks, servers and connections of the
/// tests running side by side), and CI lost a run to it (`__memcpy_avx512_unaligned_erms` in
/// `Process.run()`). Later Foundation releases fix it; this one closes the rest in the child with
/// glibc's `closefrom` action, and never lists a directory.
///
/// Standard input, output and error are each a `Pipe`, a `FileHandle`, or nil (or
/// `FileHandle.nullDevice`) for `/dev/null`; unset, the child shares the test process's. A pipe's
/// end that the child uses is closed in the test process once the child runs, as Foundation does,
/// so reading the other end meets its end when the child exits. The child leads a process group
/// of its own, as with Foundation, and starts with no signal blocked and each handled the default
/// way.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked Sendable: the settings are written before `run()` by one thread; what changes
    // after (`status`) is under `reaped`'s lock, and `processIdentifier` is written once, by
    // `run()`, before anyone can wait.
    public var executableURL: URL?
    public var arguments: [String] = []
    /// The child's whole environment; nil for the test process's.
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    public var standardInput: Any? = ChildProcess.inherited
    public var standardOutput: Any? = ChildProcess.inherited
    public var standardError: Any? = ChildProcess.inherited

    /// The child's process id, once `run()` has started it (0 before).
    public private(set) var processIdentifier: pid_t = 0
    /// How it ended, once waited for: the raw status of `waitpid` (under `reaped`'s lock).
    private var status: Int32?
    /// Guards `status`, and wakes threads waiting for another thread's `waitpid` to store it.
    private let reaped = NSCondition()

    /// Stands for "the test process's own" (the default of each standard stream).
    private static let inherited = Inherited()
    private struct Inherited {}

    public init() {}

    deinit {
        // A child nobody waited for is reaped if it has ended, so that it leaves no zombie.
        if processIdentifier > 0 { _ = finished(blocking: false) }
    }

    /// Starts the child. Throws when it cannot be started, the program missing or not executable.
    public func run() throws {
        guard processIdentifier == 0 else { throw ChildProcessError("\(program) was already started") }
        guard let closeFrom = Self.closeFrom, let addChdir = Self.addChdir else {
            throw ChildProcessError(
                "glibc's posix_spawn_file_actions_addclosefrom_np and _addchdir_np are needed (2.34)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in streams {
            switch stream {
            case is Inherited: break
            case let pipe as Pipe:
                let end = target == STDIN_FILENO ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                try check(posix_spawn_file_actions_adddup2(&actions, end.fileDescriptor, target), "dup2")
            case let handle as FileHandle where handle !== FileHandle.nullDevice:
                try check(posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target), "dup2")
            case nil, is FileHandle:  // FileHandle.nullDevice has no descriptor: it stands for /dev/null.
                try check(posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0), "open /dev/null")
            default:
                throw ChildProcessError("standard stream \(target) is neither a Pipe, a FileHandle nor nil")
            }
        }
        if let directory = currentDirectoryURL?.path {
            try check(addChdir(&actions, directory), "chdir \(directory)")
        }
        try check(closeFrom(&actions, 3), "closefrom")

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Signals as a fresh process has them: none blocked, each handled the default way.
        // Dispatch's worker threads block SIGTERM and the other asynchronous signals, threads they
        // start inherit that, and a blocked signal stays blocked across exec: a child started from
        // one could not be stopped with SIGTERM unless it unblocked it itself.
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigfillset(&defaults)
        try check(posix_spawnattr_setsigmask(&attributes, &none), "setsigmask")
        try check(posix_spawnattr_setsigdefault(&attributes, &defaults), "setsigdefault")
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        try check(posix_spawnattr_setflags(&attributes, Int16(flags)), "setflags")

        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }

        var pid: pid_t = 0
        // Both lists end with nil, so neither buffer is empty.
        let status = argv.withUnsafeBufferPointer { argv in
            guard let argv = argv.baseAddress else { return EINVAL }
            guard let envp else { return posix_spawn(&pid, program, &actions, &attributes, argv, environ) }
            return envp.withUnsafeBufferPointer { envp in
                guard let envp = envp.baseAddress else { return EINVAL }
                return posix_spawn(&pid, program, &actions, &attributes, argv, envp)
            }
        }
        guard status == 0 else {
            throw ChildProcessError("cannot run \(program): \(String(cString: strerror(status)))")
        }
        processIdentifier = pid
        // The child holds its ends now; the test process lets go of them, so that a reader of a
        // pipe meets its end when the child exits.
        for (target, stream) in streams {
            guard let pipe = stream as? Pipe else { continue }
            try? (target == STDIN_FILENO ? pipe.fileHandleForReading : pipe.fileHandleForWriting).close()
        }
    }

    /// Whether the child has been started and has not ended.
    public var isRunning: Bool { processIdentifier > 0 && !finished(blocking: false) }

    /// Waits for the child to end.
    public func waitUntilExit() {
        precondition(processIdentifier > 0, "waitUntilExit() before run()")
        _ = finished(blocking: true)
    }

    /// The exit status, or the number of the signal that ended the child (as Foundation's).
    public var terminationStatus: Int32 {
        guard let status = storedStatus else { preconditionFailure("\(program) has not ended") }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f
    }

    /// Sends SIGTERM, if the child still runs.
    public func terminate() {
        if isRunning { kill(processIdentifier, SIGTERM) }
    }

    /// Whether the child has ended (and its status is kept): with `blocking`, once it has.
    private func finished(blocking: Bool) -> Bool {
        if storedStatus != nil { return true }
        var status: Int32 = 0
        var result: pid_t
        repeat {
            result = waitpid(processIdentifier, &status, blocking ? 0 : WNOHANG)
        } while result == -1 && errno == EINTR
        if result == processIdentifier {
            reaped.lock()
            self.status = status
            reaped.broadcast()
            reaped.unlock()
            return true
        }
        guard result == -1 && errno == ECHILD else { return false }
        // Another thread's waitpid took it: wait until that thread has stored the status.
        reaped.lock()
        defer { reaped.unlock() }
        while self.status == nil { reaped.wait() }
        return true
    }

    /// `status`, read under its lock.
    private var storedStatus: Int32? {
        reaped.lock()
        defer { reaped.unlock() }
        return status
    }

    private var program: String { executableURL?.path ?? "" }

    /// The child's standard input, output and error: their descriptors, and what each is set to.
    private var streams: [(Int32, Any?)] {
        [(STDIN_FILENO, standardInput), (STDOUT_FILENO, standardOutput), (STDERR_FILENO, standardError)]
    }

    private func check(_ status: Int32, _ what: String) throws {
        guard status == 0 else {
            throw ChildProcessError("cannot run \(program) (\(what)): \(String(cString: strerror(status)))")
        }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `_addchdir_np` (2.29), which
    /// the Glibc module does not declare: looked up once by name.
    private static let closeFrom = glibc(
        "posix_spawn_file_actions_addclosefrom_np",
        as: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    private static let addChdir = glibc(
        "posix_spawn_file_actions_addchdir_np",
        as: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)

    private static func glibc<Function>(_ name: String, as type: Function.Type) -> Function? {
        dlsym(dlopen(nil, RTLD_NOW), name).map { unsafeBitCast($0, to: type) }
    }
}

/// Why a child process could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
