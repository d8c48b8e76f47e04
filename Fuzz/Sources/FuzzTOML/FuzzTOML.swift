import VMConfig

/// The TOML reader alone: any bytes (as `SourceText` would pass them, valid UTF-8) must give a
/// table or a syntax error, never a trap, a hang or a memory error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOML(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? TOMLReader.read(text)
    return 0
}
