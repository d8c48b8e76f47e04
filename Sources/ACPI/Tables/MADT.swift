import Layout
import VMConfig

extension ACPITables {
    /// MADT revision 5 (ACPI 6.3): the revision whose Local APIC flags define "online capable";
    /// every processor here is enabled, so the bit stays clear and means "no hot-added CPUs".
    public static let madtRevision: UInt8 = 5

    /// MADT ("APIC"): one enabled Processor Local APIC per vCPU (ACPI processor UID = APIC ID =
    /// 0..n-1, as QEMU numbers the CPUs of `-smp n`), the I/O APIC, the ISA overrides a PC needs,
    /// and LINT1 as NMI on every processor.
    public static func madt(plan: Plan) -> ACPITable {
        precondition((1...255).contains(plan.vcpus),
                     "\(plan.vcpus) vCPUs: xAPIC IDs are 0-254 (255 is the broadcast ID)")
        guard let sci = UInt8(exactly: plan.chipset.sciIRQ), sci < 16 else {
            preconditionFailure("SCI IRQ \(plan.chipset.sciIRQ) is not an ISA IRQ")
        }
        var writer = ByteWriter()
        writer.u32(UInt32(FixedRanges.lapic))  // Local Interrupt Controller Address
        writer.u32(MADTFlag.pcatCompat)  // Flags: the 8259 pair is present (ICH9's LPC)
        for cpu in 0..<plan.vcpus {
            writer.u8(0)  // Type: Processor Local APIC
            writer.u8(8)  // Length
            writer.u8(UInt8(cpu))  // ACPI Processor UID
            writer.u8(UInt8(cpu))  // APIC ID
            writer.u32(LocalAPICFlag.enabled)
        }
        writer.u8(1)  // Type: I/O APIC
        writer.u8(12)  // Length
        writer.u8(PlatformFacts.ioapicID)
        writer.u8(0)  // reserved
        writer.u32(UInt32(FixedRanges.ioapic))  // I/O APIC Address
        writer.u32(PlatformFacts.ioapicGSIBase)  // Global System Interrupt Base
        // The PIT's IRQ 0 arrives on GSI 2. Flags 0 = conforms to the ISA bus: edge, active high.
        interruptSourceOverride(&writer, irq: PlatformFacts.pitIRQ, gsi: PlatformFacts.pitGSI, flags: MPSFlag.conforming)
        // The SCI: level-triggered, active high as ICH9 drives it to the IOAPIC.
        interruptSourceOverride(&writer, irq: sci, gsi: UInt32(sci), flags: MPSFlag.activeHigh | MPSFlag.levelTriggered)
        writer.u8(4)  // Type: Local APIC NMI
        writer.u8(6)  // Length
        writer.u8(0xFF)  // ACPI Processor UID: all processors
        writer.u16(MPSFlag.conforming)  // Flags
        writer.u8(PlatformFacts.nmiLINT)  // Local APIC LINT#
        return ACPITable(signature: "APIC", revision: madtRevision, body: writer.bytes)
    }

    static func interruptSourceOverride(_ writer: inout ByteWriter, irq: UInt8, gsi: UInt32, flags: UInt16) {
        writer.u8(2)  // Type: Interrupt Source Override
        writer.u8(10)  // Length
        writer.u8(0)  // Bus: ISA
        writer.u8(irq)  // Source
        writer.u32(gsi)  // Global System Interrupt
        writer.u16(flags)
    }

    enum MADTFlag {
        static let pcatCompat: UInt32 = 1 << 0
    }

    enum LocalAPICFlag {
        static let enabled: UInt32 = 1 << 0
    }

    /// MPS INTI flags (ACPI 6.3 table 5-50): polarity in bits 1:0, trigger mode in bits 3:2.
    enum MPSFlag {
        static let conforming: UInt16 = 0
        static let activeHigh: UInt16 = 0b01
        static let activeLow: UInt16 = 0b11
        static let edgeTriggered: UInt16 = 0b01 << 2
        static let levelTriggered: UInt16 = 0b11 << 2
    }
}
