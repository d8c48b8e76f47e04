import FirmwareImage
import Layout
import Testing
import VMConfig

/// The SMBIOS `guestfw build` puts in the hand-off block: what Linux's dmi_scan reads from it
/// (arch-independent drivers/firmware/dmi_scan.c), checked byte by byte.
@Suite("SMBIOS")
struct SMBIOSTests {
    static func tables() throws -> (Plan, entry: [UInt8], table: [UInt8], addresses: [UInt64]) {
        let plan = try Planner.plan(ConfigLoader.load(text: "memory = \"2G\"\n", file: "vm.toml"))
        let placed = SMBIOS.tables(plan)
        try #require(placed.map(\.signature) == ["_SM3", "SMBS"])
        return (plan, placed[0].bytes, placed[1].bytes, placed.map(\.address))
    }

    /// The 64-bit entry point as dmi_smbios3_present() accepts it: on a 16-byte boundary of
    /// 0xF0000-0xFFFFF, anchor "_SM3_", length 24..32, bytes summing to 0, and pointing at the table.
    @Test func entryPointIsFoundAndPointsAtTheTable() throws {
        let (plan, entry, table, addresses) = try Self.tables()
        #expect(addresses[0] % 16 == 0 && (0xF_0000..<0x10_0000).contains(addresses[0]))
        #expect(Array(entry.prefix(5)) == Array("_SM3_".utf8))
        #expect(entry.count == 24 && Int(entry[6]) == entry.count)
        #expect(entry.reduce(0, &+) == 0)
        #expect(Array(entry[7...9]) == [3, 0, 0])
        let maxSize = (0..<4).reduce(UInt64(0)) { $0 | UInt64(entry[12 + $1]) << (8 * $1) }
        let address = (0..<8).reduce(UInt64(0)) { $0 | UInt64(entry[16 + $1]) << (8 * $1) }
        #expect(maxSize == UInt64(table.count) && address == addresses[1])
        // Both lie in the BIOS area the E820 reserves, clear of the RSDP.
        let rsdp = AddressRange(start: plan.memory.acpi.rsdp.address, size: plan.memory.acpi.rsdp.capacity)
        for (start, bytes) in zip(addresses, [entry, table]) {
            let range = AddressRange(start: start, size: UInt64(bytes.count))
            #expect(plan.memory.biosArea.contains(range) && !range.overlaps(rsdp))
        }
        #expect(addresses[0] + UInt64(entry.count) <= addresses[1])
    }

    /// Type 0 with vendor, version and a release date whose year (after the last '/') is 2010 or
    /// later, the condition for Linux to use an MCFG entry above 4 GiB; then type 127, the end.
    @Test func biosInformationCarriesADateLinuxAccepts() throws {
        let (_, _, table, _) = try Self.tables()
        #expect(table[0] == 0 && table[1] == 0x18)
        let strings = table[Int(table[1])...].split(separator: 0, omittingEmptySubsequences: false)
            .prefix(3).map { String(decoding: $0, as: UTF8.self) }
        #expect(strings == [SMBIOS.vendor, SMBIOS.version, SMBIOS.releaseDate])
        #expect([table[4], table[5], table[8]] == [1, 2, 3])
        let year = Int(SMBIOS.releaseDate.split(separator: "/").last ?? "") ?? 0
        #expect(year >= 2010)
        #expect(Array(table.suffix(6)) == [127, 4, 1, 0, 0, 0])
        // The string set of type 0 ends with a double NUL right before type 127.
        let stringsEnd = Int(table[1]) + [SMBIOS.vendor, SMBIOS.version, SMBIOS.releaseDate].map { $0.utf8.count + 1 }.reduce(0, +)
        #expect(table[stringsEnd] == 0 && stringsEnd + 1 == table.count - 6)
    }
}
