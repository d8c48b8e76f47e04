import Layout
import VMConfig

/// Bytes → MachineConfig through the path `plan` uses (`ConfigLoader.load(bytes:file:)`: the
/// UTF-8 check, the reader, the decoder and its topology rules). The first byte picks TOML or
/// JSON, so one corpus holds both. A description that is accepted is then planned, as `plan`
/// does next: every user number reaches the planner's arithmetic. Host devices read sysfs through an empty file system: the
/// fuzzer must not read the machine's own /sys.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDescription(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let file = data[0] & 1 == 0 ? "fuzz.toml" : "fuzz.json"
    do {
        let text = try SourceText.decode(bytes, file: file)
        let config = try ConfigLoader.load(text: text, file: file, hostFiles: NoFiles())
        _ = try? Planner.plan(config)
    } catch {
        _ = error.description
    }
    return 0
}

struct NoFiles: HostFileSystem {
    func readFile(_ path: String, limit: Int) -> Result<[UInt8], HostFileSystemError> {
        .failure(HostFileSystemError("no such file", missing: true))
    }
    func listDirectory(_ path: String) -> Result<[String], HostFileSystemError> {
        .failure(HostFileSystemError("no such directory", missing: true))
    }
}
