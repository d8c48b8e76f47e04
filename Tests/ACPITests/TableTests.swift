import ACPI
import Foundation
import Layout
import TestSupport
import Testing
import VMConfig

/// The fixed-layout tables, read back at their spec offsets: every field that comes from the
/// Plan must say what the Plan says, every checksum must hold, and iasl must decode every table
/// without a complaint.
@Suite("ACPI fixed tables")
struct TableTests {
    // MARK: Plans

    /// The example VMs under Tables/.
    static let examples = Repository.exampleNames

    static func examplePlan(_ name: String) throws -> Plan { try Repository.plannedExample(name) }

    static func plan(_ toml: String) throws -> Plan {
        try Planner.plan(ConfigLoader.load(text: toml, file: "test.toml"))
    }

    /// An empty definition block: the lead's DSDT encoder supplies the real one.
    static let emptyDSDT = ACPITable(signature: "DSDT", revision: 2, body: [])

    static func tables(_ plan: Plan, options: ACPIOptions = ACPIOptions()) throws -> [String: PlacedTable] {
        let set = try ACPITables.tableSet(plan: plan, options: options, dsdt: emptyDSDT)
        return Dictionary(uniqueKeysWithValues: set.map { ($0.signature, $0) })
    }

    static func bytes(_ plan: Plan, _ signature: String) throws -> [UInt8] {
        try #require(try tables(plan)[signature]).bytes
    }

    static let headedSignatures = ["RSDT", "XSDT", "FACP", "APIC", "HPET", "MCFG", "WAET", "DSDT"]

    @Test func examplesAreFound() {
        #expect(Self.examples.contains("default"))
        #expect(Self.examples.count >= 3)
    }

    // MARK: Every table

    @Test(arguments: examples)
    func everyChecksumAndLengthHolds(example: String) throws {
        let tables = try Self.tables(try Self.examplePlan(example))
        #expect(Set(tables.keys) == Set(Self.headedSignatures + ["RSDP", "FACS"]))
        for signature in Self.headedSignatures {
            let bytes = try #require(tables[signature]).bytes
            #expect(Array(bytes[0..<4]) == Array(signature.utf8))
            #expect(Int(u32(bytes, 4)) == bytes.count, "\(signature) length field")
            #expect(sum(bytes[...]) == 0, "\(signature) checksum")
        }
        let facs = try #require(tables["FACS"]).bytes
        #expect(Array(facs[0..<4]) == Array("FACS".utf8))
        #expect(facs.count == 64 && u32(facs, 4) == 64)
        let rsdp = try #require(tables["RSDP"]).bytes
        #expect(rsdp.count == 36)
        #expect(sum(rsdp[0..<20]) == 0, "RSDP checksum over the first 20 bytes")
        #expect(sum(rsdp[...]) == 0, "RSDP extended checksum over all 36 bytes")
    }

    @Test(arguments: examples)
    func everyTableSitsInItsSlot(example: String) throws {
        let plan = try Self.examplePlan(example)
        let set = try ACPITables.tableSet(plan: plan, dsdt: Self.emptyDSDT)
        #expect(set.map(\.signature) == ["RSDP"] + plan.memory.acpi.tables.map(\.signature))
        for table in set {
            let slot = try #require(plan.memory.acpi.slot(table.signature))
            #expect(table.address == slot.address)
            #expect(UInt64(table.bytes.count) <= slot.capacity, "\(table.signature) overflows its slot")
        }
        #expect(plan.memory.biosArea.contains(plan.memory.acpi.rsdp.address))
        #expect(plan.memory.acpi.rsdp.address % 16 == 0)
        #expect(try #require(plan.memory.acpi.slot("FACS")).address % 64 == 0)
    }

    @Test func headersCarryTheIdentity() throws {
        let options = ACPIOptions(oemID: "ACME", oemTableID: "Q35", oemRevision: 0x1234_5678,
                                  creatorID: "GF", creatorRevision: 7)
        let tables = try Self.tables(try Self.examplePlan("default"), options: options)
        for signature in Self.headedSignatures {
            let bytes = try #require(tables[signature]).bytes
            #expect(ascii(bytes, 10, 6) == "ACME  ")
            #expect(ascii(bytes, 16, 8) == "Q35     ")
            #expect(u32(bytes, 24) == 0x1234_5678)
            #expect(ascii(bytes, 28, 4) == "GF  ")
            #expect(u32(bytes, 32) == 7)
            #expect(sum(bytes[...]) == 0)
        }
        #expect(ascii(try #require(tables["RSDP"]).bytes, 9, 6) == "ACME  ")
    }

    @Test(arguments: [
        ACPIOptions(oemID: "TOOLONG"), ACPIOptions(oemTableID: "NINECHARS"), ACPIOptions(creatorID: "FIVE5"),
        ACPIOptions(oemID: ""), ACPIOptions(oemID: "ÄCME"), ACPIOptions(oemTableID: "TAB\tID"),
    ])
    func invalidIdentityIsRefused(options: ACPIOptions) throws {
        let plan = try Self.examplePlan("default")
        #expect(throws: ACPITableError.self) { try ACPITables.tableSet(plan: plan, options: options, dsdt: Self.emptyDSDT) }
    }

    @Test func sameInputSameBytes() throws {
        let plan = try Self.examplePlan("default")
        let first = try ACPITables.tableSet(plan: plan, dsdt: Self.emptyDSDT)
        let second = try ACPITables.tableSet(plan: try Self.examplePlan("default"), dsdt: Self.emptyDSDT)
        #expect(first == second)
    }

    // MARK: Pointer tables

    @Test(arguments: examples)
    func rsdpPointsAtTheRootTables(example: String) throws {
        let plan = try Self.examplePlan(example)
        let rsdp = try Self.bytes(plan, "RSDP")
        #expect(ascii(rsdp, 0, 8) == "RSD PTR ")
        #expect(rsdp[15] == 2, "revision")
        #expect(UInt64(u32(rsdp, 16)) == plan.memory.acpi.slot("RSDT")?.address)
        #expect(u32(rsdp, 20) == 36, "length")
        #expect(u64(rsdp, 24) == plan.memory.acpi.slot("XSDT")?.address)
        #expect(rsdp[33...] == [0, 0, 0])
    }

    @Test(arguments: examples)
    func rootTablesListTheFixedTables(example: String) throws {
        let plan = try Self.examplePlan(example)
        let expected = try ["FACP", "APIC", "HPET", "MCFG", "WAET"].map { try #require(plan.memory.acpi.slot($0)).address }
        let rsdt = try Self.bytes(plan, "RSDT")
        let xsdt = try Self.bytes(plan, "XSDT")
        #expect(rsdt.count == 36 + 4 * expected.count)
        #expect(xsdt.count == 36 + 8 * expected.count)
        #expect(rsdt[8] == 1 && xsdt[8] == 1, "revisions")
        #expect(expected.indices.map { UInt64(u32(rsdt, 36 + 4 * $0)) } == expected)
        #expect(expected.indices.map { u64(xsdt, 36 + 8 * $0) } == expected)
    }

    // MARK: FADT and FACS

    @Test(arguments: examples)
    func fadtDescribesThePlansPMBlocks(example: String) throws {
        let plan = try Self.examplePlan(example)
        let fadt = try Self.bytes(plan, "FACP")
        let pmBase = UInt64(plan.chipset.pmBase)
        let facs = try #require(plan.memory.acpi.slot("FACS")).address
        let dsdt = try #require(plan.memory.acpi.slot("DSDT")).address
        #expect(fadt.count == 276)
        #expect(fadt[8] == 6, "major revision")
        #expect(fadt[131] == 3, "minor revision")
        #expect(UInt64(u32(fadt, 36)) == facs && u64(fadt, 132) == facs, "FIRMWARE_CTRL / X_FIRMWARE_CTRL")
        #expect(UInt64(u32(fadt, 40)) == dsdt && u64(fadt, 140) == dsdt, "DSDT / X_DSDT")
        #expect(Int(u16(fadt, 46)) == plan.chipset.sciIRQ, "SCI_INT")
        #expect(u32(fadt, 48) == 0 && fadt[52] == 0 && fadt[53] == 0, "no SMI_CMD, ACPI_ENABLE, ACPI_DISABLE")
        #expect(pmBase != 0)
        #expect(UInt64(u32(fadt, 56)) == pmBase, "PM1a_EVT_BLK")
        #expect(u32(fadt, 60) == 0, "PM1b_EVT_BLK")
        #expect(UInt64(u32(fadt, 64)) == pmBase + 4, "PM1a_CNT_BLK")
        #expect(UInt64(u32(fadt, 76)) == pmBase + 8, "PM_TMR_BLK")
        #expect(UInt64(u32(fadt, 80)) == pmBase + 0x20, "GPE0_BLK")
        #expect(u32(fadt, 84) == 0, "GPE1_BLK")
        #expect(Array(fadt[88...93]) == [4, 2, 0, 4, 16, 0], "PM1_EVT, PM1_CNT, PM2_CNT, PM_TMR, GPE0, GPE1 lengths")
        #expect(u16(fadt, 96) > 100 && u16(fadt, 98) > 1000, "no C2, no C3")
        #expect(u16(fadt, 109) & 0b11 == 0b11, "IAPC_BOOT_ARCH: legacy devices and 8042")
        let flags = u32(fadt, 112)
        for (bit, name) in [(0, "WBINVD"), (2, "PROC_C1"), (5, "SLP_BUTTON"), (7, "RTC_S4"), (10, "RESET_REG_SUP")] {
            #expect(flags & 1 << bit != 0, "flag \(name)")
        }
        #expect(flags & 1 << 20 == 0, "not HW_REDUCED_ACPI")
        #expect(flags & 1 << 4 == 0, "the power button is the fixed-feature one")
        #expect(flags & 1 << 8 == 0, "the PM timer is 24-bit")
        #expect(gas(fadt, 116) == GAS(space: 1, bitWidth: 8, access: 1, address: 0xCF9), "RESET_REG")
        #expect(fadt[128] == 6, "RESET_VALUE")
        #expect(gas(fadt, 148) == GAS(space: 1, bitWidth: 32, access: 2, address: pmBase), "X_PM1a_EVT_BLK")
        #expect(gas(fadt, 160) == GAS(), "X_PM1b_EVT_BLK")
        #expect(gas(fadt, 172) == GAS(space: 1, bitWidth: 16, access: 2, address: pmBase + 4), "X_PM1a_CNT_BLK")
        #expect(gas(fadt, 184) == GAS() && gas(fadt, 196) == GAS(), "X_PM1b_CNT_BLK, X_PM2_CNT_BLK")
        #expect(gas(fadt, 208) == GAS(space: 1, bitWidth: 32, access: 3, address: pmBase + 8), "X_PM_TMR_BLK")
        #expect(gas(fadt, 220) == GAS(space: 1, bitWidth: 128, access: 1, address: pmBase + 0x20), "X_GPE0_BLK")
        #expect(gas(fadt, 232) == GAS() && gas(fadt, 244) == GAS() && gas(fadt, 256) == GAS(), "X_GPE1, sleep registers")
    }

    @Test func facsIsEmptyVersion2() throws {
        let facs = try Self.bytes(try Self.examplePlan("default"), "FACS")
        #expect(facs.count == 64)
        #expect(facs[32] == 2, "version")
        #expect(facs[8...31].allSatisfy { $0 == 0 } && facs[33...].allSatisfy { $0 == 0 })
    }

    // MARK: MADT

    @Test(arguments: [1, 2, 3, 16, 64, 255])
    func madtHasOneLocalAPICPerCPU(vcpus: Int) throws {
        let plan = try Self.plan("memory = \"2G\"\nvcpus = \(vcpus)\n")
        let madt = try Self.bytes(plan, "APIC")
        #expect(madt.count == 44 + 8 * vcpus + 12 + 2 * 10 + 6)
        #expect(madt[8] == 5, "revision")
        #expect(u32(madt, 36) == 0xFEE0_0000, "local APIC address")
        #expect(u32(madt, 40) == 1, "PCAT_COMPAT")
        let entries = try subtables(madt, from: 44)
        let processors = entries.filter { $0.type == 0 }
        #expect(processors.count == vcpus)
        for (index, entry) in processors.enumerated() {
            #expect(entry.bytes.count == 8)
            #expect(Int(entry.bytes[2]) == index, "ACPI processor UID")
            #expect(Int(entry.bytes[3]) == index, "APIC ID")
            #expect(u32(entry.bytes, 4) == 1, "enabled")
        }
        let ioapics = entries.filter { $0.type == 1 }
        #expect(ioapics.count == 1)
        let ioapic = try #require(ioapics.first).bytes
        #expect(ioapic.count == 12 && ioapic[2] == 0, "I/O APIC ID as QEMU's IOAPIC resets it")
        #expect(u32(ioapic, 4) == 0xFEC0_0000 && u32(ioapic, 8) == 0, "address and GSI base")
        let overrides = entries.filter { $0.type == 2 }.map { (irq: $0.bytes[3], gsi: u32($0.bytes, 4), flags: u16($0.bytes, 8)) }
        #expect(overrides.count == 2)
        #expect(overrides.contains { $0.irq == 0 && $0.gsi == 2 && $0.flags & 0b1100 != 0b1100 }, "IRQ0 -> GSI2, edge")
        let sci = UInt8(plan.chipset.sciIRQ)
        #expect(overrides.contains { $0.irq == sci && $0.gsi == UInt32(sci) && $0.flags == 0x000D }, "SCI level, active high")
        let nmis = entries.filter { $0.type == 4 }
        #expect(nmis.count == 1)
        #expect(nmis.first.map { $0.bytes[2] == 0xFF && $0.bytes[5] == 1 } == true, "all processors, LINT1")
    }

    // MARK: HPET, MCFG, WAET

    @Test func hpetDescribesTheTimerBlock() throws {
        let hpet = try Self.bytes(try Self.examplePlan("default"), "HPET")
        #expect(hpet.count == 56)
        let id = u32(hpet, 36)
        #expect(id >> 16 == 0x8086, "vendor")
        #expect((id >> 8) & 0x1F == 2, "three comparators")
        #expect(id & 1 << 13 != 0 && id & 1 << 15 != 0, "64-bit counter, legacy replacement")
        #expect(id & 0xFF == 1, "revision")
        #expect(hpet[40] == 0, "system memory")
        #expect(u64(hpet, 44) == FixedRanges.hpet)
        #expect(hpet[52] == 0, "HPET number")
    }

    @Test(arguments: examples)
    func mcfgDescribesThePlansECAM(example: String) throws {
        let plan = try Self.examplePlan(example)
        let ecam = try #require(plan.ecam)
        let mcfg = try Self.bytes(plan, "MCFG")
        #expect(mcfg.count == 60)
        #expect(mcfg[36..<44].allSatisfy { $0 == 0 } && mcfg[56..<60].allSatisfy { $0 == 0 }, "reserved")
        #expect(u64(mcfg, 44) == ecam.base - UInt64(ecam.busStart) << 20)
        #expect(Int(u16(mcfg, 52)) == ecam.segment)
        #expect(Int(mcfg[54]) == ecam.busStart && Int(mcfg[55]) == ecam.busEnd)
        #expect(UInt64(ecam.busEnd - ecam.busStart + 1) << 20 == ecam.size)
    }

    @Test func mcfgFollowsAToolstackWindow() throws {
        let plan = try Self.plan("memory = \"4G\"\n[ecam]\npolicy = \"toolstack\"\nbuses = 64\nbase = \"0xE0000000\"\n")
        let mcfg = try Self.bytes(plan, "MCFG")
        #expect(u64(mcfg, 44) == 0xE000_0000)
        #expect(mcfg[54] == 0 && mcfg[55] == 63)
    }

    @Test func waetSaysOnlyThePMTimerIsGood() throws {
        let waet = try Self.bytes(try Self.examplePlan("default"), "WAET")
        #expect(waet.count == 40)
        #expect(u32(waet, 36) == 0b10)
    }

    @Test func aPlanWithoutECAMHasNoTableSet() throws {
        let plan = try Self.plan("vmm = \"xen\"\nmemory = \"3840M\"\n")
        #expect(plan.ecam == nil)
        #expect(throws: ACPITableError.noECAM(plan: plan.name)) {
            try ACPITables.tableSet(plan: plan, dsdt: Self.emptyDSDT)
        }
    }

    // MARK: iasl

    @Test(arguments: examples)
    func iaslDecodesEveryTableWithoutComplaint(example: String) throws {
        for table in try ACPITables.tableSet(plan: try Self.examplePlan(example), dsdt: Self.emptyDSDT) {
            // iasl 20200925 does not recognise an RSDP file as a table ("does not contain a valid
            // ACPI table", exit 255); its checksums and fields are checked above.
            if table.signature == "RSDP" { continue }
            let result = try ACPICA.disassemble(table.bytes, signature: table.signature)
            #expect(result.status == 0, "iasl -d \(table.signature) exited \(result.status)")
            #expect(result.complaints.isEmpty, "iasl on \(table.signature): \(result.complaints.joined(separator: "\n"))")
            #expect(result.dsl.contains("Signature : \"\(table.signature)\"") || table.signature == "DSDT")
        }
    }

    /// The check above is not vacuous: a table one bit off draws iasl's complaint.
    @Test
    func iaslComplaintsAreNoticed() throws {
        var fadt = try Self.bytes(try Self.examplePlan("default"), "FACP")
        fadt[9] &+= 1
        let result = try ACPICA.disassemble(fadt, signature: "FACP")
        #expect(!result.complaints.isEmpty)
    }
}

// MARK: Reading fields back

fileprivate func sum(_ bytes: ArraySlice<UInt8>) -> UInt8 { bytes.reduce(0, &+) }

fileprivate func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 { UInt16(truncatingIfNeeded: little(bytes, offset, 2)) }
fileprivate func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 { UInt32(truncatingIfNeeded: little(bytes, offset, 4)) }
fileprivate func u64(_ bytes: [UInt8], _ offset: Int) -> UInt64 { little(bytes, offset, 8) }

fileprivate func little(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> UInt64 {
    (0..<width).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
}

fileprivate func ascii(_ bytes: [UInt8], _ offset: Int, _ width: Int) -> String {
    String(decoding: bytes[offset..<offset + width], as: UTF8.self)
}

fileprivate struct GAS: Equatable {
    var space: UInt8 = 0
    var bitWidth: UInt8 = 0
    var bitOffset: UInt8 = 0
    var access: UInt8 = 0
    var address: UInt64 = 0
}

fileprivate func gas(_ bytes: [UInt8], _ offset: Int) -> GAS {
    GAS(space: bytes[offset], bitWidth: bytes[offset + 1], bitOffset: bytes[offset + 2], access: bytes[offset + 3],
        address: u64(bytes, offset + 4))
}

/// The type-length subtables of a MADT, failing when a length runs past the end.
fileprivate func subtables(_ table: [UInt8], from start: Int) throws -> [(type: UInt8, bytes: [UInt8])] {
    var entries: [(type: UInt8, bytes: [UInt8])] = []
    var offset = start
    while offset < table.count {
        let length = Int(table[offset + 1])
        try #require(length >= 2 && offset + length <= table.count, "subtable at \(offset) of length \(length)")
        entries.append((table[offset], Array(table[offset..<offset + length])))
        offset += length
    }
    return entries
}
