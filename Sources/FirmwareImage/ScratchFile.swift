#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An anonymous file for libelf to write into: libelf writes only to a descriptor, and the
/// caller wants bytes. The file has no name, so nothing is left behind if the process dies.
final class ScratchFile {
    private let stream: UnsafeMutablePointer<FILE>
    var descriptor: Int32 { fileno(stream) }

    init() throws {
        guard let stream = tmpfile() else {
            throw FirmwareImageError.scratchFile(problem: "tmpfile: " + String(cString: strerror(errno)))
        }
        self.stream = stream
    }

    deinit { fclose(stream) }

    /// The first `count` bytes, read with pread so that libelf's file position does not matter.
    func contents(count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(done)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw FirmwareImageError.scratchFile(problem: got < 0 ? String(cString: strerror(errno)) : "shorter than libelf said")
            }
            done += got
        }
        return bytes
    }
}
