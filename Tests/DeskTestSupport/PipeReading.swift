import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Everything a pipe gives until its end. A read interrupted by a signal (EINTR: the children of a
/// test process end all the time) is tried again; Foundation's `readDataToEndOfFile()` stops the
/// whole test process on one (a `try!` inside it), which a `make test` run met.
public func readToEnd(_ handle: FileHandle) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            data.append(contentsOf: buffer[0..<count])
        } else if count == 0 || errno != EINTR {
            return data
        }
    }
}
