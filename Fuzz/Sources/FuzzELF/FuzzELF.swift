import FirmwareImage

/// The ELF reader (libelf under `ELFReader`) and what `build` does with the boot ELF: add the
/// hand-off block, write the ELF back, and lay it out as the flat ROM image.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzELF(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let romStart: UInt64 = 0xFFFE_0000
    if let elf = try? FirmwareELF.addingHandoff(block, at: romStart, to: bytes) {
        _ = try? FlatImage.make(elf: elf, romStart: romStart)
    }
    return 0
}

private let block = [UInt8](repeating: 0xA5, count: 64)
