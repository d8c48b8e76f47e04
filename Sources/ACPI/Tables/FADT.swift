import Layout
import VMConfig

extension ACPITables {
    /// FADT revision 6, minor 3: the ACPI 6.3 layout (276 bytes, unchanged since 6.0), the
    /// version iasl 20200925 decodes in full. Revision 5 would claim the 268-byte ACPI 5.x layout
    /// and drop the hypervisor vendor field; nothing here needs 5.x, and every OS that reads a
    /// revision 5 FADT reads a revision 6 one.
    public static let fadtRevision: UInt8 = 6
    public static let fadtMinorRevision: UInt8 = 3
    static let fadtLength = 276

    /// FADT ("FACP"): a full (not hardware-reduced) FADT on ICH9's PM blocks at the plan's PMBASE,
    /// in both the legacy 32-bit fields and the X_ Generic Address fields.
    public static func fadt(plan: Plan) -> ACPITable {
        let pmBase = plan.chipset.pmBase
        precondition(pmBase != 0, "PMBASE is 0: the FADT would have no PM1a blocks, which Windows rejects")
        precondition(pmBase % ICH9PM.blockLength == 0, "PMBASE \(hex(UInt64(pmBase))) is not 128-byte aligned as ICH9 decodes it")
        typealias PM = ICH9PM
        let pm1Event = pmBase + PM.pm1EventOffset
        let pm1Control = pmBase + PM.pm1ControlOffset
        let pmTimer = pmBase + PM.timerOffset
        let gpe0 = pmBase + PM.gpe0Offset
        let facs = plan.slotAddress("FACS")
        let dsdt = plan.slotAddress("DSDT")
        guard let sci = UInt16(exactly: plan.chipset.sciIRQ) else {
            preconditionFailure("SCI IRQ \(plan.chipset.sciIRQ) does not fit the FADT's SCI_INT")
        }

        var writer = ByteWriter()
        writer.u32(low32(facs, what: "the FACS"))  // FIRMWARE_CTRL
        writer.u32(low32(dsdt, what: "the DSDT"))  // DSDT
        writer.u8(0)  // reserved (ACPI 1.0 INT_MODEL): spec asks for 0
        writer.u8(0)  // Preferred_PM_Profile: unspecified (the plan says nothing about the VM's role)
        writer.u16(sci)  // SCI_INT
        writer.u32(0)  // SMI_CMD: no SMM; the platform runs in ACPI mode from reset
        writer.u8(0)  // ACPI_ENABLE
        writer.u8(0)  // ACPI_DISABLE
        writer.u8(0)  // S4BIOS_REQ
        writer.u8(0)  // PSTATE_CNT
        writer.u32(UInt32(pm1Event))  // PM1a_EVT_BLK
        writer.u32(0)  // PM1b_EVT_BLK
        writer.u32(UInt32(pm1Control))  // PM1a_CNT_BLK
        writer.u32(0)  // PM1b_CNT_BLK
        writer.u32(0)  // PM2_CNT_BLK
        writer.u32(UInt32(pmTimer))  // PM_TMR_BLK
        writer.u32(UInt32(gpe0))  // GPE0_BLK
        writer.u32(0)  // GPE1_BLK
        writer.u8(PM.pm1EventLength)  // PM1_EVT_LEN
        writer.u8(PM.pm1ControlLength)  // PM1_CNT_LEN
        writer.u8(0)  // PM2_CNT_LEN
        writer.u8(PM.timerLength)  // PM_TMR_LEN
        writer.u8(PM.gpe0Length)  // GPE0_BLK_LEN
        writer.u8(0)  // GPE1_BLK_LEN
        writer.u8(0)  // GPE1_BASE
        writer.u8(0)  // CST_CNT: no _CST notifications
        writer.u16(noC2Latency)  // P_LVL2_LAT
        writer.u16(noC3Latency)  // P_LVL3_LAT
        writer.u16(0)  // FLUSH_SIZE
        writer.u16(0)  // FLUSH_STRIDE
        writer.u8(0)  // DUTY_OFFSET
        writer.u8(0)  // DUTY_WIDTH: no throttling
        writer.u8(0)  // DAY_ALRM: no day-of-month alarm
        writer.u8(0)  // MON_ALRM
        writer.u8(PlatformFacts.rtcCenturyIndex)  // CENTURY
        writer.u16(bootArchitecture)  // IAPC_BOOT_ARCH
        writer.u8(0)  // reserved
        writer.u32(fadtFlags)  // Flags
        writer.gas(GenericAddress.io(PlatformFacts.resetPort, length: 1, access: .byte))  // RESET_REG
        writer.u8(PlatformFacts.resetValue)  // RESET_VALUE
        writer.u16(0)  // ARM_BOOT_ARCH
        writer.u8(fadtMinorRevision)  // FADT Minor Version
        writer.u64(facs)  // X_FIRMWARE_CTRL
        writer.u64(dsdt)  // X_DSDT
        writer.gas(.io(pm1Event, length: PM.pm1EventLength, access: .word))  // X_PM1a_EVT_BLK
        writer.gas(.absent)  // X_PM1b_EVT_BLK
        writer.gas(.io(pm1Control, length: PM.pm1ControlLength, access: .word))  // X_PM1a_CNT_BLK
        writer.gas(.absent)  // X_PM1b_CNT_BLK
        writer.gas(.absent)  // X_PM2_CNT_BLK
        writer.gas(.io(pmTimer, length: PM.timerLength, access: .dword))  // X_PM_TMR_BLK
        writer.gas(.io(gpe0, length: PM.gpe0Length, access: .byte))  // X_GPE0_BLK
        writer.gas(.absent)  // X_GPE1_BLK
        writer.gas(.absent)  // SLEEP_CONTROL_REG: hardware-reduced only
        writer.gas(.absent)  // SLEEP_STATUS_REG
        writer.u64(0)  // Hypervisor Vendor Identity: none claimed
        precondition(writer.count + ACPITable.headerLength == fadtLength, "FADT body is \(writer.count) bytes")
        return ACPITable(signature: "FACP", revision: fadtRevision, body: writer.bytes)
    }

    /// P_LVL2_LAT above 100 and P_LVL3_LAT above 1000 mean "no C2" and "no C3" (ACPI 6.3 table 5-34):
    /// a virtual CPU has only C1 (HLT).
    static let noC2Latency: UInt16 = 101
    static let noC3Latency: UInt16 = 1001

    /// IA-PC boot architecture flags (ACPI 6.3 table 5-35).
    enum BootArchitecture {
        /// User-visible devices on the LPC bus (serial, RTC, PIT, PIC behind ICH9's LPC bridge).
        static let legacyDevices: UInt16 = 1 << 0
        /// An 8042 keyboard controller at ports 0x60/0x64 (QEMU's q35 has one).
        static let i8042: UInt16 = 1 << 1
    }

    static let bootArchitecture = BootArchitecture.legacyDevices | BootArchitecture.i8042

    /// FADT fixed feature flags (ACPI 6.3 table 5-34).
    enum FADTFlag {
        /// WBINVD works (every x86 CPU).
        static let wbinvd: UInt32 = 1 << 0
        /// C1 (HLT) works on every processor.
        static let procC1: UInt32 = 1 << 2
        /// The power button is the fixed-feature one in PM1 (ICH9 PWRBTN): the bit stays clear.
        static let powerButtonIsControlMethod: UInt32 = 1 << 4
        /// No fixed-feature sleep button: ICH9 has none.
        static let sleepButtonIsControlMethod: UInt32 = 1 << 5
        /// The RTC alarm can wake from S4.
        static let rtcS4: UInt32 = 1 << 7
        /// The PM timer is 32-bit; ICH9's is 24-bit, so this stays clear.
        static let timerValueExtended: UInt32 = 1 << 8
        /// RESET_REG is valid.
        static let resetRegisterSupported: UInt32 = 1 << 10
        /// The OS should time itself with the HPET or PM timer: a virtual CPU's TSC may change
        /// rate or stop when the host deschedules it.
        static let usePlatformClock: UInt32 = 1 << 15
        /// Hardware-reduced ACPI: never here (Windows needs PM1a blocks on q35).
        static let hardwareReduced: UInt32 = 1 << 20
    }

    static let fadtFlags = FADTFlag.wbinvd | FADTFlag.procC1 | FADTFlag.sleepButtonIsControlMethod
        | FADTFlag.rtcS4 | FADTFlag.resetRegisterSupported | FADTFlag.usePlatformClock
        | (PlatformFacts.pmTimer32Bit ? FADTFlag.timerValueExtended : 0)

    /// FACS, version 2 (ACPI 6.3 5.2.10): 64 bytes, no checksum. No waking vector yet (the boot
    /// code does not resume from S3), no S4BIOS, global lock free, hardware signature 0.
    public static func facs() -> [UInt8] {
        var writer = ByteWriter()
        writer.ascii("FACS", width: 4)
        writer.u32(UInt32(facsLength))
        writer.u32(0)  // Hardware Signature
        writer.u32(0)  // Firmware_Waking_Vector
        writer.u32(0)  // Global_Lock
        writer.u32(0)  // Flags: no S4BIOS_F, no 64BIT_WAKE_SUPPORTED_F
        writer.u64(0)  // X_Firmware_Waking_Vector
        writer.u8(2)  // Version
        writer.zeros(3)  // reserved
        writer.u32(0)  // OSPM Flags
        writer.zeros(24)  // reserved
        return writer.bytes
    }

    static let facsLength = 64
}
