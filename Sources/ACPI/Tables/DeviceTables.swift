import Layout
import VMConfig

extension ACPITables {
    /// HPET, revision 1 (IA-PC HPET spec 1.0a): the timer block at its fixed address, identified
    /// as QEMU's HPET identifies itself.
    public static func hpet() -> ACPITable {
        var writer = ByteWriter()
        writer.u32(PlatformFacts.HPET.eventTimerBlockID)  // Event Timer Block ID
        // BASE_ADDRESS: system memory, 64-bit registers.
        writer.gas(GenericAddress(space: .systemMemory, bitWidth: 64, accessSize: .undefined, address: FixedRanges.hpet))
        writer.u8(0)  // HPET Number: the only timer block
        writer.u16(0)  // Main Counter Minimum Clock_tick in Periodic Mode: no minimum (emulated)
        writer.u8(0)  // Page Protection and OEM Attribute: none
        return ACPITable(signature: "HPET", revision: 1, body: writer.bytes)
    }

    /// MCFG, revision 1 (PCI Firmware spec 3.x): one allocation for the plan's ECAM window.
    public static func mcfg(plan: Plan) throws(ACPITableError) -> ACPITable {
        guard let ecam = plan.ecam else { throw .noECAM(plan: plan.name) }
        precondition((0...0xFFFF).contains(ecam.segment) && 0 <= ecam.busStart && ecam.busStart <= ecam.busEnd
                     && ecam.busEnd <= 0xFF, "ECAM segment \(ecam.segment) buses \(ecam.busStart)-\(ecam.busEnd) out of range")
        precondition(ecam.size == UInt64(ecam.busEnd - ecam.busStart + 1) << 20 && ecam.base >= UInt64(ecam.busStart) << 20,
                     "ECAM of \(hex(ecam.size)) bytes at \(hex(ecam.base)) does not fit buses \(ecam.busStart)-\(ecam.busEnd)")
        var writer = ByteWriter()
        writer.zeros(8)  // reserved
        // The base address is that of bus 0 in the segment, even when the range starts later.
        writer.u64(ecam.base - UInt64(ecam.busStart) << 20)  // Base Address
        writer.u16(UInt16(ecam.segment))  // PCI Segment Group Number
        writer.u8(UInt8(ecam.busStart))  // Start Bus Number
        writer.u8(UInt8(ecam.busEnd))  // End Bus Number
        writer.u32(0)  // reserved
        return ACPITable(signature: "MCFG", revision: 1, body: writer.bytes)
    }

    /// WAET, revision 1 (Microsoft's Windows ACPI Emulated Devices Table).
    ///
    /// Only ACPI_PM_TIMER_GOOD: QEMU's PM timer reads consistently, so one read suffices.
    /// RTC_GOOD stays clear: QEMU's mc146818 keeps its IRQ asserted until Register C is read, so a
    /// guest told it may skip that read would see its RTC interrupt stop after the first one.
    public static func waet() -> ACPITable {
        var writer = ByteWriter()
        writer.u32(WAETFlag.pmTimerGood)  // Emulated Device Flags
        return ACPITable(signature: "WAET", revision: 1, body: writer.bytes)
    }

    enum WAETFlag {
        /// The RTC needs no Register C read to acknowledge an interrupt.
        static let rtcGood: UInt32 = 1 << 0
        /// One read of the PM timer gives a reliable value.
        static let pmTimerGood: UInt32 = 1 << 1
    }
}
