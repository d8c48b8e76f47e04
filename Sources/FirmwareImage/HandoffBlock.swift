import ACPI
import Layout

/// The hand-off block for one Plan: what the boot firmware checks and programs, in the layout
/// HandoffFormat.swift defines. Everything in it is read off the Plan and its tables; the only
/// things decided here are register encodings the Plan implies (command bits, PIRQ routes).
public enum HandoffBlock {
    public enum Failure: Error, CustomStringConvertible {
        case incompletePlan
        case tooMany(what: String, count: Int)
        case tableOutsideLowMemory(signature: String, address: UInt64)

        public var description: String {
            switch self {
            case .incompletePlan: "the plan leaves resources unassigned, so no firmware can apply it"
            case let .tooMany(what, count): "\(count) \(what) do not fit the hand-off block's 16-bit counts"
            case let .tableOutsideLowMemory(signature, address): "table \(signature) is planned at \(hex(address)), which the 32-bit firmware cannot reach"
            }
        }
    }

    /// PIC-mode routing is off (ICH9's reset value, 0x80 per PIRQ): the DSDT's `_PRT` describes
    /// APIC mode only, where PIRQA..H reach GSIs 16..23 whatever these registers say.
    static let pirqRoutesDisabled: UInt64 = 0x8080_8080_8080_8080

    public static func encode(plan: Plan, tables: [PlacedTable]) throws(Failure) -> [UInt8] {
        guard plan.isComplete, let ecam = plan.ecam else { throw .incompletePlan }
        let records = try HandoffRecords(plan: plan, tables: tables)
        var layout = SectionLayout()
        var header = HandoffHeader()
        header.functionsOffset = layout.place(records.functions.count, HandoffFunction.size)
        header.barsOffset = layout.place(records.bars.count, HandoffBAR.size)
        header.e820Offset = layout.place(records.e820.count, HandoffE820Entry.size)
        header.ramOffset = layout.place(records.ram.count, HandoffRAMRange.size)
        header.tablesOffset = layout.place(tables.count, HandoffTable.size)
        let dataOffsets = tables.map { layout.place(1, $0.bytes.count) }

        header.totalSize = layout.size
        header.ecamBase = ecam.base
        header.ecamBuses = UInt16(ecam.size >> 20)
        header.pmBase = plan.chipset.pmBase
        header.sciIRQ = UInt8(plan.chipset.sciIRQ)
        header.pirqRoutes = pirqRoutesDisabled
        header.rsdpAddress = plan.memory.acpi.rsdp.address
        header.functionCount = UInt16(records.functions.count)
        header.barCount = UInt16(records.bars.count)
        header.e820Count = UInt16(records.e820.count)
        header.ramCount = UInt16(records.ram.count)
        header.tableCount = UInt16(tables.count)

        var bytes = [UInt8](repeating: 0, count: Int(layout.size))
        bytes.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress!
            func at(_ offset: UInt32, _ index: Int, _ size: Int) -> HandoffCursor {
                HandoffCursor(base + Int(offset) + index * size)
            }
            for (i, record) in records.functions.enumerated() { record.write(at(header.functionsOffset, i, HandoffFunction.size)) }
            for (i, record) in records.bars.enumerated() { record.write(at(header.barsOffset, i, HandoffBAR.size)) }
            for (i, record) in records.e820.enumerated() { record.write(at(header.e820Offset, i, HandoffE820Entry.size)) }
            for (i, record) in records.ram.enumerated() { record.write(at(header.ramOffset, i, HandoffRAMRange.size)) }
            for (i, table) in tables.enumerated() {
                tableRecord(table, dataOffset: dataOffsets[i]).write(at(header.tablesOffset, i, HandoffTable.size))
                buffer.baseAddress!.advanced(by: Int(dataOffsets[i])).copyMemory(from: table.bytes, byteCount: table.bytes.count)
            }
            header.write(HandoffCursor(base))
            header.checksum = HandoffFormat.crc32(base, count: buffer.count, skipping: HandoffHeader.checksumOffset)
            header.write(HandoffCursor(base))
        }
        return bytes
    }

    static func tableRecord(_ table: PlacedTable, dataOffset: UInt32) -> HandoffTable {
        var record = HandoffTable()
        record.signature = table.signature.utf8.prefix(4).enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        record.length = UInt32(table.bytes.count)
        record.address = table.address
        record.dataOffset = dataOffset
        return record
    }
}

/// Hands out 8-byte-aligned offsets for the block's sections, one after another.
struct SectionLayout {
    private(set) var size = UInt32(HandoffHeader.size)

    mutating func place(_ count: Int, _ recordSize: Int) -> UInt32 {
        let offset = size
        size += UInt32(count * recordSize)
        size = (size + HandoffFormat.alignment - 1) / HandoffFormat.alignment * HandoffFormat.alignment
        return offset
    }
}
