import ACPI
import Layout

/// The SMBIOS the firmware gives the guest: a 3.0 entry point ("_SM3_") and a structure table
/// holding only BIOS Information (type 0) and End-of-Table (type 127), both in the BIOS area,
/// copied there by the firmware like the ACPI tables.
///
/// Its reason to exist is the release date: Linux ignores an MCFG entry above 4 GiB unless the
/// MCFG revision is 1 or more and DMI's BIOS date is 2010 or later (arch/x86/pci/mmconfig-shared.c,
/// acpi_mcfg_check_entry: "MCFG region ... is above 4GB, ignored"). Without any SMBIOS the year is 0.
public enum SMBIOS {
    /// Linux scans 0xF0000-0xFFFFF on 16-byte boundaries for the entry point; the RSDP holds 0xE0000.
    public static let entryPointAddress: UInt64 = 0xF_0000
    public static let entryPointLength = 24
    public static let tableAddress: UInt64 = entryPointAddress + 0x20

    public static let vendor = "guestfw"
    public static let version = "guestfw firmware"
    /// A fixed date (mm/dd/yyyy), so images are byte-identical across builds: when this type 0
    /// was first written.
    public static let releaseDate = "12/02/2026"

    /// The entry point and the structure table, placed in the plan's BIOS area.
    public static func tables(_ plan: Plan) -> [PlacedTable] {
        let structures = structureTable(romSize: plan.memory.firmwareROM.size)
        precondition(plan.memory.biosArea.contains(AddressRange(start: tableAddress, size: UInt64(structures.count))),
                     "SMBIOS outside the BIOS area \(plan.memory.biosArea)")
        return [
            PlacedTable(signature: "_SM3", address: entryPointAddress, bytes: entryPoint(tableLength: structures.count)),
            PlacedTable(signature: "SMBS", address: tableAddress, bytes: structures),
        ]
    }

    /// SMBIOS 3.0.0's 64-bit entry point: anchor, checksum, length, version 3.0.0, entry point
    /// revision 1, the table's maximum size and its address.
    static func entryPoint(tableLength: Int) -> [UInt8] {
        var bytes = Array("_SM3_".utf8) + [0, UInt8(entryPointLength), 3, 0, 0, 1, 0]
        bytes += littleEndian(UInt64(tableLength), 4) + littleEndian(tableAddress, 8)
        bytes[5] = checksum(bytes)
        return bytes
    }

    /// Type 0 (the 2.4 layout, 0x18 bytes; handle 0) with its strings, then type 127 (handle 1).
    static func structureTable(romSize: UInt64) -> [UInt8] {
        let romBlocks = UInt8(min(max(romSize / 0x1_0000, 1), 0xFF) - 1)   // 64 KiB × (n + 1)
        var type0: [UInt8] = [0, 0x18, 0, 0]
        type0 += [1, 2]                       // vendor, BIOS version: strings 1 and 2
        type0 += littleEndian(0xF000, 2)      // starting segment of the BIOS area's ROM alias
        type0 += [3, romBlocks]               // release date: string 3; ROM size
        type0 += littleEndian(1 << 3, 8)      // characteristics: "not supported"
        type0 += [0x01, 0x10]                 // ACPI supported; the table describes a virtual machine
        type0 += [0xFF, 0xFF, 0xFF, 0xFF]     // BIOS and embedded controller releases: none
        for string in [vendor, version, releaseDate] { type0 += Array(string.utf8) + [0] }
        type0 += [0]
        let end: [UInt8] = [127, 4, 1, 0, 0, 0]
        return type0 + end
    }

    static func littleEndian(_ value: UInt64, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    static func checksum(_ bytes: [UInt8]) -> UInt8 {
        0 &- bytes.reduce(0, &+)
    }
}
