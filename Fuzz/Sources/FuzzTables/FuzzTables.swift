import ACPI

/// The table reader behind `diff` (and `lint`): the input is two tables, the second starting
/// where the first one's own length field ends (or halfway when that is out of range). Each is
/// checked as `diff` checks a file (`TableCheck.check`) under the signature its first 4 bytes
/// name, then both are compared as `diff` compares them: pointer fields masked, then field by
/// field (`TableFields.differences`, which RSDP and FACS use).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTables(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let table = TableBytes(bytes)
    let declared = table.u32(at: 4).map(Int.init) ?? 0
    let split = declared > 0 && declared < size ? declared : size / 2
    let a = Array(bytes[..<split]), b = Array(bytes[split...])
    let signature = table.text(at: 0, size: 4) ?? "DSDT"
    for candidate in [signature, "RSDP", "FACS", "DSDT"] {
        for table in [a, b] { _ = try? TableCheck.check(table, signature: candidate) }
        _ = PointerFields.masked(a, signature: candidate) == PointerFields.masked(b, signature: candidate)
        _ = PointerFields.differing(a, b, signature: candidate)
        _ = TableFields.differences(signature: candidate, a, b)
    }
    return 0
}
