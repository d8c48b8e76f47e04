import ACPI
import Testing

/// Inputs the fuzz targets (Fuzz/, `make fuzz`) found to trap, each with what must happen
/// instead.
@Suite("Fuzz regressions: tables")
struct FuzzRegressionTests {
    /// FuzzTables, on its first seed: Tables/default/acpi/RSDT (56 bytes) split into two tables
    /// of 28 bytes, the first of them below. Listing the RSDT's entries formed the range from
    /// the header's end (36) to the table's length, which traps when the table is shorter than
    /// a header (the target passes tables to these helpers before or without `TableCheck`, as
    /// a `lint` may).
    static let rsdtCutAt28: [UInt8] = [
        0x52, 0x53, 0x44, 0x54, 0x38, 0x00, 0x00, 0x00, 0x01, 0x97, 0x47, 0x53, 0x54, 0x46, 0x57, 0x20,
        0x47, 0x55, 0x45, 0x53, 0x54, 0x46, 0x57, 0x20, 0x01, 0x00, 0x00, 0x00,
    ]

    @Test func truncatedRSDTIsRefusedAndHasNoEntriesToMask() {
        #expect(throws: TableCheck.Problem.tooShort(size: 28, minimum: 36)) {
            try TableCheck.check(Self.rsdtCutAt28, signature: "RSDT")
        }
        #expect("\(TableCheck.Problem.tooShort(size: 28, minimum: 36))" == "truncated: 28 bytes, a table needs at least 36")
        // Only the checksum (byte 9) is a pointer-derived field of 28 bytes of RSDT.
        #expect(PointerFields.fields(of: "RSDT", length: 28).map(\.name) == ["Checksum"])
        #expect(PointerFields.fields(of: "XSDT", length: 0).map(\.name) == [])
        var masked = Self.rsdtCutAt28
        masked[9] = 0
        #expect(PointerFields.masked(Self.rsdtCutAt28, signature: "RSDT") == masked)
        #expect(PointerFields.differing(Self.rsdtCutAt28, [], signature: "RSDT") == [])
    }

    /// Entries still end where the table does: 36 + 2 × 4 bytes and a stray 3 hold two entries.
    @Test func rsdtEntriesAreWholeFieldsOnly() {
        #expect(PointerFields.fields(of: "RSDT", length: 47).map(\.name) == ["Entry[0]", "Entry[1]", "Checksum"])
        #expect(PointerFields.fields(of: "XSDT", length: 52).map(\.offset) == [36, 44, 9])
    }
}
