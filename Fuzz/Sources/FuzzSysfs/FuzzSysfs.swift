import VMConfig

/// The sysfs reader: one function's `config` and `resource` files, as `HostSysfs.endpoint` reads
/// them for a passthrough device. The input is the resource text, a NUL byte, then the config
/// bytes (a corpus file without a NUL is all resource text).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSysfs(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0) ?? bytes.count
    let files = OneFunction(resource: Array(bytes[..<split]), config: Array(bytes[min(split + 1, bytes.count)...]))
    let sysfs = HostSysfs(root: OneFunction.root, files: files)
    do { _ = try sysfs.endpoint(OneFunction.address) } catch { _ = error.description }
    return 0
}

/// A sysfs root holding one function, 0000:65:00.0, whose files are the fuzzer's bytes.
struct OneFunction: HostFileSystem {
    static let root = "/fuzz"
    static let address = HostPCIAddress(domain: 0, bus: 0x65, device: 0, function: 0)
    let resource: [UInt8]
    let config: [UInt8]

    func readFile(_ path: String, limit: Int) -> Result<[UInt8], HostFileSystemError> {
        let content = path.hasSuffix("/config") ? config : path.hasSuffix("/resource") ? resource : nil
        guard let content else { return .failure(HostFileSystemError("no such file", missing: true)) }
        return .success(Array(content.prefix(limit)))
    }

    func listDirectory(_ path: String) -> Result<[String], HostFileSystemError> {
        path == Self.root ? .success([Self.address.description]) : .success(["config", "resource"])
    }
}
