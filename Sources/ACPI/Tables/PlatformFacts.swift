import VMConfig

/// Facts of the Q35/ICH9 machine as QEMU emulates it that only the fixed tables need (see
/// REFERENCE.md). Addresses shared with the planner live in `VMConfig.FixedRanges`; decisions
/// (PMBASE, the SCI, table addresses) come from the Plan.
enum PlatformFacts {
    /// ICH9 reset control register (RST_CNT) and the value that resets the machine:
    /// SYS_RST (bit 1) | RST_CPU (bit 2).
    static let resetPort: UInt16 = 0xCF9
    static let resetValue: UInt8 = 0x06

    /// CMOS index of the RTC's century byte: the PC/AT location, which QEMU's mc146818 keeps
    /// current (RTC_CENTURY).
    static let rtcCenturyIndex: UInt8 = 0x32

    /// QEMU's IOAPIC resets its ID register to 0 and implements only 4 ID bits, and the boot code
    /// does not reprogram it, so the MADT reports 0: the ID the guest reads back from the chip.
    /// (ID = number of vCPUs, an old Bochs BIOS habit, would disagree with the register and cannot
    /// even be written for 16 or more vCPUs.)
    static let ioapicID: UInt8 = 0
    /// The IOAPIC's first input is GSI 0; it has 24 inputs (PIRQA..H are GSI 16..23).
    static let ioapicGSIBase: UInt32 = 0

    /// ISA IRQ 0 (the PIT) arrives on IOAPIC input 2, as on every PC with an IOAPIC.
    static let pitIRQ: UInt8 = 0
    static let pitGSI: UInt32 = 2

    /// NMI is wired to every local APIC's LINT1.
    static let nmiLINT: UInt8 = 1

    /// The HPET as QEMU's `hpet` device reports it in its General Capabilities register.
    enum HPET {
        /// PCI vendor ID of the timer block (Intel, as in ICH9).
        static let vendorID: UInt32 = 0x8086
        static let revisionID: UInt32 = 0x01
        /// QEMU's default (and minimum) number of comparators.
        static let comparators: UInt32 = 3
        /// The main counter is 64-bit (COUNT_SIZE_CAP).
        static let counter64Bit = true
        /// Legacy replacement routing is supported (LEG_RT_CAP).
        static let legacyReplacement = true

        /// The Event Timer Block ID: bits 31:16 vendor, 15 LEG_RT_CAP, 13 COUNT_SIZE_CAP,
        /// 12:8 number of comparators - 1, 7:0 revision (the capabilities register's low half).
        static var eventTimerBlockID: UInt32 {
            vendorID << 16 | (legacyReplacement ? 1 << 15 : 0) | (counter64Bit ? 1 << 13 : 0)
                | (comparators - 1) << 8 | revisionID
        }
    }

    /// The PM timer is 24 bits wide on ICH9 (and in QEMU), so the FADT's TMR_VAL_EXT stays clear.
    static let pmTimer32Bit = false
}
