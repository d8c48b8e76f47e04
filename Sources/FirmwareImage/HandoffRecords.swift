import ACPI
import Layout

/// The Plan turned into the block's fixed-size records.
struct HandoffRecords {
    var functions: [HandoffFunction] = []
    var bars: [HandoffBAR] = []
    var e820: [HandoffE820Entry]
    var ram: [HandoffRAMRange]

    init(plan: Plan, tables: [PlacedTable]) throws(HandoffBlock.Failure) {
        e820 = plan.e820.map(Self.e820Entry)
        ram = Self.expectedRAM(plan.memory)
        let decoding = Self.leftDecoding(plan)
        for function in plan.functions {
            var record = Self.function(function, decoding: decoding.contains(function.bdf))
            record.firstBAR = UInt16(truncatingIfNeeded: bars.count)
            record.barCount = UInt16(function.bars.count)
            bars += function.bars.map(Self.bar)
            functions.append(record)
        }
        for (what, count) in [("functions", functions.count), ("BARs", bars.count), ("E820 entries", e820.count), ("tables", tables.count)]
        where count > Int(UInt16.max) {
            throw .tooMany(what: what, count: count)
        }
        if let table = tables.first(where: { $0.address + UInt64($0.bytes.count) > 1 << 32 }) {
            throw .tableOutsideLowMemory(signature: table.signature, address: table.address)
        }
    }

    /// QEMU's etc/e820 lists RAM as one entry below 4 GiB and one above: the plan's RAM must match.
    static func expectedRAM(_ memory: MemoryMap) -> [HandoffRAMRange] {
        var ranges = [HandoffRAMRange(address: 0, length: memory.lowRAMEnd)]
        if let high = memory.highRAM { ranges.append(HandoffRAMRange(address: high.start, length: high.size)) }
        return ranges
    }

    static func e820Entry(_ entry: E820Entry) -> HandoffE820Entry {
        var record = HandoffE820Entry()
        record.address = entry.range.start
        record.length = entry.range.size
        record.type = switch entry.type {
        case .ram: 1
        case .reserved: 2
        case .acpi: 3
        case .nvs: 4
        }
        return record
    }

    static func function(_ function: PlannedFunction, decoding: Bool) -> HandoffFunction {
        var record = HandoffFunction()
        record.bus = UInt8(function.bdf.bus)
        record.device = UInt8(function.bdf.device)
        record.function = UInt8(function.bdf.function)
        record.kind = function.kind.hasBridgeHeader ? HandoffFunction.kindBridge : HandoffFunction.kindEndpoint
        // A passthrough device's ids are unknown to the plan: 0 tells the firmware not to check them.
        record.vendorID = function.vendorID ?? 0
        record.deviceID = function.deviceID ?? 0
        record.command = decoding ? command(function) : 0
        record.interruptLine = function.interrupt.map { UInt8($0.gsi) } ?? 0xFF
        record.interruptPin = function.interrupt.map { UInt8($0.pin) } ?? 0
        // An expander (pxb-pcie) is a type-0 function: its root bus number is not a register.
        let bridge = function.kind.hasBridgeHeader
        record.secondaryBus = bridge ? UInt8(function.secondaryBus ?? 0) : 0
        record.subordinateBus = bridge ? UInt8(function.subordinateBus ?? 0) : 0
        record.usedSlots = function.bars.reduce(0) { slots, bar in
            slots | 1 << UInt8(bar.index) | (bar.kind == .mem64 ? 1 << UInt8(bar.index + 1) : 0)
        }
        if let windows = function.windows, bridge { setWindows(windows, on: &record) }
        return record
    }

    static func setWindows(_ windows: BridgeWindows, on record: inout HandoffFunction) {
        if let io = windows.io {
            record.windows |= HandoffFunction.windowIO
            (record.ioBase, record.ioLimit) = (io.start, io.end)
        }
        if let mem = windows.mem {
            record.windows |= HandoffFunction.windowMem
            (record.memBase, record.memLimit) = (mem.start, mem.end)
        }
        if let pref = windows.pref {
            record.windows |= HandoffFunction.windowPref
            (record.prefBase, record.prefLimit) = (pref.start, pref.end)
        }
    }

    /// The functions the firmware leaves decoding: the chipset's, and the boot VGA (the first
    /// VGA-class function) with every bridge above it, so its legacy ranges reach it. Every other
    /// function keeps its planned BARs and windows with decoding and bus mastering off, as
    /// qboot leaves devices: Linux sizes an enabled function's BARs with decoding switched off
    /// and on, and QEMU rebuilds its memory map at each switch and at each write of an open
    /// bridge window; a driver enables what it uses (and the bridges above it) itself.
    static func leftDecoding(_ plan: Plan) -> Set<BDF> {
        var kept = Set(plan.functions.filter { $0.kind == .chipset }.map(\.bdf))
        guard let vga = plan.functions.first(where: { $0.classCode.map { $0 >> 8 == vgaClass } ?? false }) else { return kept }
        kept.insert(vga.bdf)
        for bridge in plan.functions where bridge.kind.hasBridgeHeader {
            if let secondary = bridge.secondaryBus, let subordinate = bridge.subordinateBus,
               secondary <= vga.bdf.bus, vga.bdf.bus <= subordinate {
                kept.insert(bridge.bdf)
            }
        }
        return kept
    }

    /// Class 03h, subclass 00h: a VGA-compatible display controller.
    static let vgaClass: UInt32 = 0x0300

    /// I/O and memory decoding for what the function was given; bus mastering for bridges,
    /// which must forward their devices' DMA (a device's own bus mastering is its driver's call).
    static func command(_ function: PlannedFunction) -> UInt16 {
        let ioDecode: UInt16 = 1, memoryDecode: UInt16 = 2, busMaster: UInt16 = 4
        var command: UInt16 = 0
        if function.bars.contains(where: { $0.kind == .io }) || function.windows?.io != nil { command |= ioDecode }
        if function.bars.contains(where: { $0.kind == .mem32 || $0.kind == .mem64 })
            || function.windows?.mem != nil || function.windows?.pref != nil {
            command |= memoryDecode
        }
        if function.kind.hasBridgeHeader { command |= busMaster }
        return command
    }

    static func bar(_ bar: PlannedBAR) -> HandoffBAR {
        var record = HandoffBAR()
        record.slot = bar.kind == .rom ? HandoffBAR.romSlot : UInt8(bar.index)
        record.kind = switch bar.kind {
        case .io: HandoffBAR.kindIO
        case .mem32: HandoffBAR.kindMem32
        case .mem64: HandoffBAR.kindMem64
        case .rom: HandoffBAR.kindROM
        }
        record.prefetchable = bar.prefetchable ? 1 : 0
        record.size = bar.size
        record.address = bar.address ?? 0
        return record
    }
}

extension HandoffRAMRange {
    init(address: UInt64, length: UInt64) {
        self.init()
        self.address = address
        self.length = length
    }
}
