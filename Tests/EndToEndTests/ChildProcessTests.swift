import DeskTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The tests' child processes (`ChildProcess`): started, fed, read and waited for as with
/// Foundation's `Process`, and safe with as many descriptors open as the whole suite holds.
@Suite(.ownThread) struct ChildProcessTests {
    /// Runs `/bin/sh -c script` to its end: its exit status and what it printed on its output.
    private static func shell(_ script: String, configure: (ChildProcess) -> Void = { _ in }) throws -> (Int32, String)
    {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let output = Pipe()
        process.standardOutput = output
        configure(process)
        try process.run()
        let text = String(decoding: readToEnd(output.fileHandleForReading), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// Foundation's `Process.run()` crashed CI with 1,356 descriptors open: listing them, it
    /// reads past `readdir`'s buffer, and faults when that buffer ends a fresh thread's heap. This
    /// does what crashed a program of Foundation's every time in three tries (2,000 descriptors
    /// more, 64 new threads starting children): here every child starts, and inherits none of
    /// them (not one is close-on-exec), only its three.
    @Test func childrenStartFromNewThreadsWithThousandsOfDescriptorsOpenAndInheritNone() async throws {
        let extra = (0..<2000).map { _ in open("/dev/null", O_RDONLY) }
        defer { extra.forEach { close($0) } }
        #expect(extra.allSatisfy { $0 >= 0 })
        let held = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        #expect(held > 2000)
        let listings = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<64 {
                // offPool: each on a thread of its own, new, as the suites' children are started.
                group.addTask {
                    try await offPool {
                        // The shell lists its own descriptors (`ls` adds the one it reads them with).
                        try (0..<3).map { _ in try Self.shell("ls /proc/$$/fd").1 }
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(listings.count == 192)
        #expect(listings.allSatisfy { $0.split(separator: "\n").sorted() == ["0", "1", "2"] })
    }

    @Test func theExitStatusOrTheSignalThatEndedItIsTold() throws {
        #expect(try Self.shell("exit 3").0 == 3)
        #expect(try Self.shell("exit 0").0 == 0)
        #expect(try Self.shell("kill -TERM $$").0 == SIGTERM)
    }

    @Test func standardInputIsFedAndOutputAndErrorCanShareAPipe() throws {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "read line; echo \"out $line\"; echo \"err $line\" >&2"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data("hello\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: readToEnd(output.fileHandleForReading), as: UTF8.self)
        process.waitUntilExit()
        #expect(text == "out hello\nerr hello\n")
        #expect(process.terminationStatus == 0)
    }

    /// nil and `FileHandle.nullDevice` are `/dev/null`: a child reading its input meets the end at
    /// once, and what it writes there is gone.
    @Test func nilAndTheNullDeviceAreDevNull() throws {
        let (status, text) = try Self.shell("cat; echo gone >&2; echo done") {
            $0.standardInput = nil
            $0.standardError = FileHandle.nullDevice
        }
        #expect(status == 0)
        #expect(text == "done\n")
        let (_, again) = try Self.shell("cat; echo done") { $0.standardInput = FileHandle.nullDevice }
        #expect(again == "done\n")
    }

    @Test func theEnvironmentAndDirectoryAreTheChildsOwnWhenSet() throws {
        let directory = FileManager.default.temporaryDirectory.path
        let (_, text) = try Self.shell("echo \"$DESK_CHILD_TEST\"; echo \"${HOME-unset}\"; pwd") {
            $0.environment = ["DESK_CHILD_TEST": "yes"]
            $0.currentDirectoryURL = URL(fileURLWithPath: directory)
        }
        #expect(text == "yes\nunset\n\(directory)\n")
        // Unset, it is the test process's.
        let (_, inherited) = try Self.shell("echo \"${PATH-unset}\"")
        #expect(inherited == (ProcessInfo.processInfo.environment["PATH"] ?? "unset") + "\n")
    }

    @Test func aProgramThatCannotRunIsAnErrorThatNamesIt() throws {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/nonexistent/deskd")
        #expect(throws: ChildProcessError.self) { try process.run() }
        do {
            try process.run()
        } catch {
            #expect("\(error)".contains("/nonexistent/deskd"))
            #expect("\(error)".contains("No such file"))
        }
        #expect(!process.isRunning)
    }

    /// One thread waits for the child while another polls it and a third signals it: each learns
    /// the same end.
    @Test func waitingPollingAndTerminatingFromSeveralThreadsAgree() async throws {
        for _ in 0..<20 {
            let process = ChildProcess()
            process.executableURL = URL(fileURLWithPath: "/bin/sleep")
            process.arguments = ["5"]
            try process.run()
            #expect(process.isRunning)
            async let waited: Int32 = offPool {
                process.waitUntilExit()
                return process.terminationStatus
            }
            async let polled: Int32 = offPool {
                while process.isRunning { usleep(1000) }
                return process.terminationStatus
            }
            process.terminate()
            #expect(try await waited == SIGTERM)
            #expect(try await polled == SIGTERM)
            #expect(!process.isRunning)
        }
    }
}
