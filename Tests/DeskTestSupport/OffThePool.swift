import Foundation

/// Runs blocking `work` on a thread of its own and awaits its result.
///
/// Swift's cooperative pool has one thread per core (two on CI). A test that blocks one of them
/// (waiting for a child process, a socket read, a semaphore) while an in-process server under
/// test needs the pool to answer it starves that server; two such tests at once deadlocked a
/// `make test` run until their clients timed out. Dispatch's global queues are no way out either:
/// they are as narrow, and blocking tests fill them just the same.
public func offPool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Runs `executable` with `arguments` to its end, off the cooperative pool: its exit status and
/// its standard output (standard error too when `mergingStandardError`).
public func runToEnd(
    _ executable: String, _ arguments: [String], mergingStandardError: Bool = false
) async throws -> (status: Int32, output: Data) {
    try await offPool {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        if mergingStandardError { process.standardError = output }
        try process.run()
        let data = readToEnd(output.fileHandleForReading)
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}
