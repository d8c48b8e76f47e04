import Foundation
import Layout
import VMConfig

/// The edge where a description file becomes a `MachineConfig`, and a plan failure becomes a
/// message naming the file.
enum ConfigInput {
    static func load(_ path: String?, policy: PlacementPolicy?) throws(CommandError) -> MachineConfig {
        guard let path else { return DefaultVM.config(policyOverride: policy) }
        let bytes = try readFile(path)
        do {
            return try ConfigLoader.load(bytes: bytes, file: path, policyOverride: policy)
        } catch {
            throw .badInput(error.description)
        }
    }

    static let readableAccepted = "accepted: a readable TOML or JSON VM description file"

    /// The bytes of a regular file. Anything else is refused by what it is, before reading: a
    /// directory, a FIFO (which would block until a writer came), a device (`/dev/zero` never
    /// ends), a socket. The file is opened non-blocking and checked again through its
    /// descriptor, so that a path swapped for a FIFO in between cannot hang the run either.
    static func readFile(_ path: String, accepted: String = readableAccepted) throws(CommandError) -> [UInt8] {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .badInput("\(path): cannot read the file (\(errnoReason())); \(accepted)")
        }
        if let kind = nonRegularKind(status.st_mode) {
            throw .badInput("\(path): is \(kind), not a regular file; \(accepted)")
        }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .badInput("\(path): cannot read the file (\(errnoReason())); \(accepted)")
        }
        defer { close(descriptor) }
        guard fstat(descriptor, &status) == 0 else {
            throw .badInput("\(path): cannot read the file (\(errnoReason())); \(accepted)")
        }
        if let kind = nonRegularKind(status.st_mode) {
            throw .badInput("\(path): is \(kind), not a regular file; \(accepted)")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(status.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw .badInput("\(path): cannot read the file (\(errnoReason())); \(accepted)")
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// What a file that is not a regular file is, for the message; nil for a regular file.
    static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    static func errnoReason() -> String {
        errno == ENOENT ? "no such file" : String(cString: strerror(errno))
    }

    static func plan(_ config: MachineConfig, file: String?) throws(CommandError) -> Plan {
        do {
            return try Planner.plan(config)
        } catch {
            let source = file ?? DefaultVM.fileName
            if error.isInputError { throw .badInput("\(source): \(error)") }
            throw .negative("\(source): no layout exists under the \(config.ecam.policy.rawValue) policy: \(error)")
        }
    }

    static func readableReason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if nsError.domain == NSCocoaErrorDomain && nsError.code == NSFileReadNoSuchFileError { return "no such file" }
        return nsError.localizedDescription
    }
}
