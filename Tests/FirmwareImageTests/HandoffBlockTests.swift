import ACPI
import FirmwareImage
import Foundation
import Layout
import TestSupport
import Testing
import VMConfig

/// The hand-off block read back through the shared format's own readers, as the firmware reads
/// it, and held against the Plan it came from.
@Suite("Hand-off block")
struct HandoffBlockTests {
    static let examples = Repository.exampleNames

    static func plan(_ name: String) throws -> Plan { try Repository.plannedExample(name) }

    static func tables(_ plan: Plan) throws -> [PlacedTable] {
        try ACPITables.tableSet(plan: plan, options: ACPIOptions(), dsdt: ACPITable(signature: "DSDT", revision: 2, body: DSDT.body(plan)))
    }

    /// Decodes with the same structs the firmware compiles.
    struct Decoded {
        var header: HandoffHeader
        var functions: [HandoffFunction]
        var bars: [HandoffBAR]
        var e820: [HandoffE820Entry]
        var ram: [HandoffRAMRange]
        var tables: [(record: HandoffTable, bytes: [UInt8])]

        init(_ bytes: [UInt8]) {
            (header, functions, bars, e820, ram, tables) = bytes.withUnsafeBytes { buffer in
                let base = buffer.baseAddress!
                let header = HandoffHeader(HandoffCursor(reading: base))
                func records<T>(_ offset: UInt32, _ count: UInt16, _ size: Int, _ make: (HandoffCursor) -> T) -> [T] {
                    (0..<Int(count)).map { make(HandoffCursor(reading: base + Int(offset) + $0 * size)) }
                }
                let tableRecords = records(header.tablesOffset, header.tableCount, HandoffTable.size, HandoffTable.init)
                return (header,
                        records(header.functionsOffset, header.functionCount, HandoffFunction.size, HandoffFunction.init),
                        records(header.barsOffset, header.barCount, HandoffBAR.size, HandoffBAR.init),
                        records(header.e820Offset, header.e820Count, HandoffE820Entry.size, HandoffE820Entry.init),
                        records(header.ramOffset, header.ramCount, HandoffRAMRange.size, HandoffRAMRange.init),
                        tableRecords.map { ($0, Array(bytes[Int($0.dataOffset)..<Int($0.dataOffset + $0.length)])) })
            }
        }
    }

    static func encode(_ name: String) throws -> (plan: Plan, tables: [PlacedTable], bytes: [UInt8]) {
        let plan = try plan(name)
        let tables = try tables(plan)
        return (plan, tables, try HandoffBlock.encode(plan: plan, tables: tables))
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { HandoffFormat.crc32($0.baseAddress!, count: $0.count, skipping: HandoffHeader.checksumOffset) }
    }

    // The published check value of CRC-32/ISO-HDLC (zlib's crc32) for "123456789".
    @Test func checksumIsZlibCRC32() {
        let input = Array("123456789".utf8) + [0, 0, 0, 0]
        let crc = input.withUnsafeBytes { HandoffFormat.crc32($0.baseAddress!, count: 9, skipping: 9) }
        #expect(crc == 0xCBF4_3926)
    }

    @Test(arguments: examples.filter { $0 != "xen-large-bars" })
    func headerMatchesPlan(_ name: String) throws {
        let (plan, _, bytes) = try Self.encode(name)
        let decoded = Decoded(bytes)
        let ecam = try #require(plan.ecam)
        #expect(decoded.header.magic == HandoffFormat.magic)
        #expect(decoded.header.version == HandoffFormat.version)
        #expect(Int(decoded.header.totalSize) == bytes.count)
        #expect(decoded.header.checksum == Self.checksum(bytes))
        #expect(decoded.header.ecamBase == ecam.base)
        #expect(UInt64(decoded.header.ecamBuses) == UInt64(ecam.busEnd - ecam.busStart + 1))
        #expect(decoded.header.pmBase == plan.chipset.pmBase)
        #expect(Int(decoded.header.sciIRQ) == plan.chipset.sciIRQ)
        #expect(decoded.header.rsdpAddress == plan.memory.acpi.rsdp.address)
    }

    @Test(arguments: examples.filter { $0 != "xen-large-bars" })
    func functionsAndBARsMatchPlan(_ name: String) throws {
        let (plan, _, bytes) = try Self.encode(name)
        let decoded = Decoded(bytes)
        try #require(decoded.functions.count == plan.functions.count)
        for (record, function) in zip(decoded.functions, plan.functions) {
            #expect(BDF(bus: Int(record.bus), device: Int(record.device), function: Int(record.function)) == function.bdf)
            #expect(record.vendorID == (function.vendorID ?? 0))
            #expect(record.deviceID == (function.deviceID ?? 0))
            // Every PCI-to-PCI bridge is a bridge record; an expander (pxb-pcie) is a type-0 function.
            #expect((record.kind == HandoffFunction.kindBridge) == [.rootPort, .switchUpstream, .switchDownstream, .pciBridge].contains(function.kind))
            #expect(Int(record.interruptPin) == function.interrupt?.pin ?? 0)
            let bars = decoded.bars[Int(record.firstBAR)..<Int(record.firstBAR + record.barCount)]
            #expect(bars.map(\.size) == function.bars.map(\.size), "\(function.id)")
            #expect(bars.map(\.address) == function.bars.map { $0.address ?? 0 }, "\(function.id)")
            #expect(bars.map { Int($0.slot) } == function.bars.map(\.index), "\(function.id)")
            if function.kind == .hostBridge {
                #expect(record.windows == 0 && record.secondaryBus == 0 && record.subordinateBus == 0, "\(function.id)")
            } else if let windows = function.windows {
                #expect(record.windows & HandoffFunction.windowIO != 0 ? [record.ioBase, record.ioLimit] == [windows.io?.start, windows.io?.end] : windows.io == nil)
                #expect(record.windows & HandoffFunction.windowMem != 0 ? [record.memBase, record.memLimit] == [windows.mem?.start, windows.mem?.end] : windows.mem == nil)
                #expect(record.windows & HandoffFunction.windowPref != 0 ? [record.prefBase, record.prefLimit] == [windows.pref?.start, windows.pref?.end] : windows.pref == nil)
                #expect(Int(record.secondaryBus) == function.secondaryBus && Int(record.subordinateBus) == function.subordinateBus)
            }
        }
    }

    /// multifunction (worked out from its vm.toml): rp1 holds the VGA at 0.0 and an HDA at 0.1;
    /// the boot VGA (memory BARs only) keeps its memory decode (2), rp1 above it forwards memory
    /// and masters (2|4: no I/O window), the audio function and every other port are left off
    /// (0); the chipset's functions keep their decode. default has no VGA: only the chipset decodes.
    @Test func onlyTheBootVGAsPathAndTheChipsetDecode() throws {
        for (name, expected) in [("multifunction", ["gpu0": 2, "audio0": 0, "rp1": 6]), ("default", ["disk0": 0, "nic0": 0, "rp1": 0, "rp3": 0])] {
            let (plan, _, bytes) = try Self.encode(name)
            let decoded = Decoded(bytes)
            for (record, function) in zip(decoded.functions, plan.functions) {
                if function.kind == .chipset {
                    let decodes = function.bars.contains { $0.kind != .rom }
                    #expect(decodes == (record.command & 3 != 0), "\(name) \(function.id)")
                } else if let want = expected[function.id] {
                    #expect(Int(record.command) == want, "\(name) \(function.id)")
                } else {
                    #expect(record.command == 0, "\(name) \(function.id): \(record.command)")
                }
            }
        }
    }

    @Test(arguments: examples.filter { $0 != "xen-large-bars" })
    func memoryAndTablesMatchPlan(_ name: String) throws {
        let (plan, tables, bytes) = try Self.encode(name)
        let decoded = Decoded(bytes)
        #expect(decoded.e820.map(\.address) == plan.e820.map(\.range.start))
        #expect(decoded.e820.map(\.length) == plan.e820.map(\.range.size))
        let ramTypes = plan.e820.map { $0.type == .ram }
        #expect(decoded.e820.map { $0.type == 1 } == ramTypes)
        #expect(decoded.ram.first?.length == plan.memory.lowRAMEnd)
        #expect(decoded.ram.dropFirst().first.map { [$0.address, $0.length] } == plan.memory.highRAM.map { [$0.start, $0.size] })
        #expect(decoded.tables.map(\.bytes) == tables.map(\.bytes))
        #expect(decoded.tables.map(\.record.address) == tables.map(\.address))
        for entry in decoded.tables {
            #expect(Int(entry.record.dataOffset) % Int(HandoffFormat.alignment) == 0)
        }
    }

    @Test func sameInputSameBytes() throws {
        #expect(try Self.encode("default").bytes == Self.encode("default").bytes)
    }

    /// Any flipped bit anywhere must show as a checksum mismatch, the firmware's first check.
    @Test func corruptionIsDetected() throws {
        var bytes = try Self.encode("default").bytes
        let stored = Decoded(bytes).header.checksum
        for position in stride(from: 0, to: bytes.count, by: 97) where !(12..<16).contains(position) {
            bytes[position] ^= 0x10
            #expect(Self.checksum(bytes) != stored, "flip at \(position) went unnoticed")
            bytes[position] ^= 0x10
        }
    }

    @Test func incompletePlanIsRefused() throws {
        // hvmloader on Xen finds no room for the ECAM in a hole this small.
        let plan = try Planner.plan(ConfigLoader.load(text: "vmm = \"xen\"\nmemory = \"3840M\"\n", file: "vm.toml"))
        try #require(!plan.isComplete)
        #expect(throws: HandoffBlock.Failure.self) { try HandoffBlock.encode(plan: plan, tables: []) }
    }
}
