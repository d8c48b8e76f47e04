import ACPI
import Layout
import Testing
import VMConfig

/// The table set of random VMs: every checksum right, the host bridge's bus range equal to the
/// MCFG's, the ECAM outside every host bridge memory window, and two builds byte-identical.
@Suite("Table properties over random VMs")
struct TablePropertyTests {
    static let count = 1_000

    @Test func tableSetsOfRandomVMs() throws {
        var built = 0
        for seed in 0..<UInt64(Self.count * 3) where built < Self.count {
            let config = RandomVM.make(seed: 0x7AB1E5 &+ seed)
            guard let plan = try? Planner.plan(config), plan.isComplete else { continue }
            built += 1
            let tables = try Self.build(plan, config)
            #expect(try Self.build(plan, config) == tables, "seed \(seed): two builds differ")
            for table in tables {
                #expect(throws: Never.self, "seed \(seed) \(table.signature)") { try TableCheck.check(table.bytes, signature: table.signature) }
            }
            let violations = Self.hostBridgeViolations(plan: plan, tables: tables)
            #expect(violations.isEmpty, "seed \(seed): \(violations)\n\(RandomVM.toml(config))")
        }
        #expect(built == Self.count, "only \(built) random VMs had a complete plan")
    }

    static func build(_ plan: Plan, _ config: MachineConfig) throws -> [PlacedTable] {
        let dsdt = ACPITable(signature: "DSDT", revision: DSDT.revision, body: DSDT.body(plan))
        return try ACPITables.tableSet(plan: plan, options: ACPIOptions(config.tableIdentity), dsdt: dsdt)
    }

    static func hostBridgeViolations(plan: Plan, tables: [PlacedTable]) -> [String] {
        guard let dsdt = tables.first(where: { $0.signature == "DSDT" })?.bytes,
              let mcfg = tables.first(where: { $0.signature == "MCFG" })?.bytes,
              let crs = HostBridgeCRS(dsdt: dsdt) else { return ["no PCI0._CRS found in the DSDT"] }
        var problems: [String] = []
        let mcfgBase = (0..<8).reduce(UInt64(0)) { $0 | UInt64(mcfg[44 + $1]) << (8 * $1) }
        let mcfgBuses = Int(mcfg[54])...Int(mcfg[55])
        if crs.busRange != mcfgBuses { problems.append("_CRS buses \(String(describing: crs.busRange)) != MCFG buses \(mcfgBuses)") }
        let ecam = AddressRange(start: mcfgBase, size: UInt64(mcfgBuses.count) << 20)
        // hvmloader on Xen may send the ECAM above 4G into its own 64-bit range: a listed hazard.
        let sentHigh = plan.hazards.contains { $0.kind == .ecamAbove4G }
        for window in crs.memory where window.overlaps(ecam) && !sentHigh {
            problems.append("host bridge window \(window) contains ECAM \(ecam)")
        }
        let placed = plan.functions.filter { $0.bdf.bus == 0 }.flatMap { function in
            function.bars.filter(\.kind.isMemory).compactMap(\.range)
                + [function.windows?.mem, function.windows?.pref].compactMap { $0 }
        }
        for range in placed where !crs.memory.contains(where: { $0.contains(range) }) {
            problems.append("\(range) is outside every host bridge memory window")
        }
        return problems
    }
}

/// Reads `\_SB.PCI0._CRS` back out of DSDT bytes: the first `Name (_CRS, Buffer)` after
/// the PCI0 device name, walked descriptor by descriptor (ACPI 6.5 §6.4).
struct HostBridgeCRS {
    var busRange: ClosedRange<Int>?
    var memory: [AddressRange] = []

    init?(dsdt: [UInt8]) {
        guard let pci0 = HostBridgeCRS.find(Array("PCI0".utf8), in: dsdt, from: 36),
              let name = HostBridgeCRS.find([0x08] + Array("_CRS".utf8) + [0x11], in: dsdt, from: pci0) else { return nil }
        var cursor = name + 6
        let lead = Int(dsdt[cursor])
        cursor += 1 + (lead >> 6)                     // the buffer's PkgLength
        switch dsdt[cursor] {                          // the BufferSize integer
        case 0x0A: cursor += 2
        case 0x0B: cursor += 3
        case 0x0C: cursor += 5
        default: cursor += 1
        }
        while cursor < dsdt.count {
            let tag = dsdt[cursor]
            if tag & 0x80 == 0 {                       // small descriptor
                if tag >> 3 == 0x0F { break }          // EndTag
                cursor += 1 + Int(tag & 7)
                continue
            }
            let length = Int(dsdt[cursor + 1]) | Int(dsdt[cursor + 2]) << 8
            let body = Array(dsdt[(cursor + 3)..<(cursor + 3 + length)])
            read(tag: tag, body)
            cursor += 3 + length
        }
    }

    private mutating func read(tag: UInt8, _ body: [UInt8]) {
        func value(_ offset: Int, _ width: Int) -> UInt64 { (0..<width).reduce(0) { $0 | UInt64(body[offset + $1]) << (8 * $1) } }
        let width: Int
        switch tag {
        case 0x88: width = 2
        case 0x87: width = 4
        case 0x8A: width = 8
        default: return
        }
        let minimum = value(3 + width, width), maximum = value(3 + 2 * width, width)
        switch body[0] {
        case 0: memory.append(AddressRange(start: minimum, limit: maximum + 1))
        case 2: busRange = Int(minimum)...Int(maximum)
        default: break
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (start...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
