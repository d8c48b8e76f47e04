#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations reading sysfs needs, so tests can stand in for the host.
public protocol HostFileSystem: Sendable {
    /// The whole file, at most `limit` bytes (more is an error), or why it cannot be read.
    func readFile(_ path: String, limit: Int) -> Result<[UInt8], HostFileSystemError>
    /// The names in a directory (without "." and ".."), or why it cannot be listed.
    func listDirectory(_ path: String) -> Result<[String], HostFileSystemError>
}

public struct HostFileSystemError: Error, Sendable, Equatable {
    public var reason: String
    public var missing: Bool
    public init(_ reason: String, missing: Bool = false) {
        self.reason = reason
        self.missing = missing
    }
}

/// A problem reading a host function: the path it is about, what is wrong, what is accepted.
public struct HostReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var accepted: String

    public init(path: String, problem: String, accepted: String) {
        self.path = path
        self.problem = problem
        self.accepted = accepted
    }

    public var description: String { "\(path): \(problem); accepted: \(accepted)" }
}

/// Reads host functions from a directory laid out as /sys/bus/pci/devices (the real one, or a
/// `guestfw host-snapshot`): ROOT/DDDD:BB:DD.F/resource and ROOT/DDDD:BB:DD.F/config. The other
/// functions of a slot are the entries of ROOT with the same DDDD:BB:DD.
public struct HostSysfs: Sendable {
    public static let defaultRoot = "/sys/bus/pci/devices"
    /// The files guestfw reads of each function (what `host-snapshot` copies).
    public static let files = ["resource", "config"]
    static let fileLimit = 64 << 10

    public let root: String
    public let files: any HostFileSystem

    public init(root: String = HostSysfs.defaultRoot, files: any HostFileSystem = POSIXFileSystem()) {
        self.root = root
        self.files = files
    }

    func path(_ address: HostPCIAddress, _ name: String? = nil) -> String {
        let directory = (root.hasSuffix("/") ? root : root + "/") + address.description
        return name.map { directory + "/" + $0 } ?? directory
    }

    /// The raw bytes of one of a function's files.
    public func bytes(_ address: HostPCIAddress, _ name: String) throws(HostReadError) -> [UInt8] {
        let file = path(address, name)
        switch files.readFile(file, limit: Self.fileLimit) {
        case .success(let bytes): return bytes
        case .failure(let error):
            throw HostReadError(path: file, problem: "cannot be read (\(error.reason))",
                                accepted: name == "config" ? HostConfigSpace.accepted + " (read as root)" : "Linux's sysfs resource file of the function")
        }
    }

    /// Checks the function's directory exists, so a mistyped BDF says so rather than "no file".
    public func checkExists(_ address: HostPCIAddress) throws(HostReadError) {
        if case .failure(let error) = files.listDirectory(path(address)) {
            let rootMissing: Bool = if case .failure(let rootError) = files.listDirectory(root) { rootError.missing } else { false }
            throw HostReadError(
                path: path(address),
                problem: rootMissing ? "there is no such directory (and \(root) does not exist either)"
                    : error.missing ? "there is no PCI function \(address) in \(root)" : "cannot be read (\(error.reason))",
                accepted: "a function listed in \(root)" + (root == Self.defaultRoot ? " (lspci -D), or sysfs = a directory written by guestfw host-snapshot" : " (a guestfw host-snapshot directory)"))
        }
    }

    /// Reads and parses one function (not yet checked as an endpoint).
    public func function(_ address: HostPCIAddress) throws(HostReadError) -> HostFunction {
        try checkExists(address)
        let configBytes = try bytes(address, "config")
        let resourceBytes = try bytes(address, "resource")
        let config: HostConfigSpace
        do { config = try HostConfigSpace.parse(configBytes) } catch {
            throw HostReadError(path: path(address, "config"), problem: error.problem, accepted: error.accepted)
        }
        let resources: [ResourceLine]
        do { resources = try SysfsResource.parse(resourceBytes) } catch {
            throw HostReadError(path: path(address, "resource"), problem: error.problem, accepted: error.accepted)
        }
        return HostFunction(address: address, config: config, resources: resources)
    }

    /// A function checked as an endpoint, with its readings.
    public func endpoint(_ address: HostPCIAddress) throws(HostReadError) -> (HostFunction, [HostFunction.Reading]) {
        let function = try function(address)
        do { try function.checkEndpoint() } catch {
            throw HostReadError(path: path(address, "config"), problem: error.problem, accepted: error.accepted)
        }
        do { return (function, try function.readings()) } catch {
            throw HostReadError(path: path(address, "resource"), problem: error.problem, accepted: error.accepted)
        }
    }

    /// The functions of `address`'s slot present in the root (function numbers, ascending).
    public func slotFunctions(_ address: HostPCIAddress) throws(HostReadError) -> [UInt8] {
        switch files.listDirectory(root) {
        case .success(let names):
            return names.compactMap(HostPCIAddress.init).filter { $0.sameSlot(address) }.map(\.function).sorted()
        case .failure(let error):
            throw HostReadError(path: root, problem: "cannot be listed (\(error.reason))",
                                accepted: "/sys/bus/pci/devices or a directory written by guestfw host-snapshot")
        }
    }
}

/// The host's own files, through POSIX calls.
public struct POSIXFileSystem: HostFileSystem {
    public init() {}

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    public func readFile(_ path: String, limit: Int) -> Result<[UInt8], HostFileSystemError> {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let code = errno
            return .failure(HostFileSystemError(Self.reason(code), missing: code == ENOENT || code == ENOTDIR))
        }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(HostFileSystemError(Self.reason(errno)))
            }
            if count == 0 { return .success(result) }
            result += chunk[0..<count]
            if result.count > limit { return .failure(HostFileSystemError("larger than \(limit) bytes")) }
        }
    }

    public func listDirectory(_ path: String) -> Result<[String], HostFileSystemError> {
        guard let directory = opendir(path) else {
            let code = errno
            return .failure(HostFileSystemError(Self.reason(code), missing: code == ENOENT || code == ENOTDIR))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names.sorted())
    }
}
