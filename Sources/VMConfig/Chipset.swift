/// Fixed addresses of the Q35/ICH9 platform (see REFERENCE.md). These are facts of the machine,
/// not decisions, so both validation and the planner read them from here.
public enum FixedRanges {
    public static let ioapic: UInt64 = 0xFEC0_0000
    public static let ioapicSize: UInt64 = 0x1000
    public static let hpet: UInt64 = 0xFED0_0000
    public static let hpetSize: UInt64 = 0x400
    public static let lapic: UInt64 = 0xFEE0_0000
    public static let lapicSize: UInt64 = 0x10_0000
    /// From the IOAPIC up to 4 GiB nothing is PCI's: QEMU decodes its 32-bit hole up to here.
    public static let chipsetStart: UInt64 = ioapic
    public static let chipsetEnd: UInt64 = 1 << 32
    /// Xen keeps 0xFC000000-4G for its own pages; hvmloader's PCI range ends here.
    public static let xenReservedStart: UInt64 = 0xFC00_0000
    /// 0xA0000-0xFFFFF: VGA, option ROMs, BIOS area.
    public static let legacyStart: UInt64 = 0xA_0000
    public static let legacyEnd: UInt64 = 0x10_0000

    public static let fourGiB: UInt64 = 1 << 32
    /// PCIEXBAR decodes address bits 35:28.
    public static let ecamLimit: UInt64 = 64 << 30
    public static let ecamAlignment: UInt64 = 256 << 20
}

/// Bus 0 addresses the chipset itself occupies on QEMU's q35: the MCH at 00.0 and the ICH9
/// functions in slot 0x1f. Everything else in slots 0x01-0x1e is free for ports and endpoints.
public enum BusZero {
    public static let firstFreeSlot = 0x01
    public static let lastFreeSlot = 0x1e
    public static var capacity: Int { (lastFreeSlot - firstFreeSlot + 1) * 8 }
    public static func isFree(_ address: SlotAddress) -> Bool {
        (firstFreeSlot...lastFreeSlot).contains(address.device)
    }
}

/// The ICH9 ACPI PM I/O block at PMBASE: where each register block sits and how long it is.
/// The FADT points into it, the DSDT reserves it, the firmware programs PMBASE and writes PM1a_CNT.
public enum ICH9PM {
    /// The whole block PMBASE decodes (PMBASE is aligned to it).
    public static let blockLength: UInt16 = 0x80
    public static let pm1EventOffset: UInt16 = 0x00
    public static let pm1EventLength: UInt8 = 4
    public static let pm1ControlOffset: UInt16 = 0x04
    public static let pm1ControlLength: UInt8 = 2
    public static let timerOffset: UInt16 = 0x08
    public static let timerLength: UInt8 = 4
    public static let gpe0Offset: UInt16 = 0x20
    public static let gpe0Length: UInt8 = 16
}
