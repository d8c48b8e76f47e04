import VMConfig

/// The memory map the guest is given: RAM as the plan leaves it, with everything that is not
/// RAM reserved, so the kernel never puts anything over the ECAM, the tables or the chipset.
enum E820Map {
    static let ebda = AddressRange(start: 0x9_FC00, limit: 0xA_0000)

    static func build(memory: MemoryMap, ecam: AddressRange?, vmm: VMMKind) -> [E820Entry] {
        var entries = [
            E820Entry(range: AddressRange(start: 0, limit: ebda.start), type: .ram, purpose: "conventional memory"),
            E820Entry(range: ebda, type: .reserved, purpose: "EBDA"),
            E820Entry(range: memory.biosArea, type: .reserved, purpose: "BIOS area (RSDP)"),
            E820Entry(range: AddressRange(start: FixedRanges.legacyEnd, limit: memory.acpiTables.start), type: .ram, purpose: "low RAM"),
            E820Entry(range: memory.acpiTables, type: .acpi, purpose: "ACPI tables"),
        ]
        if let ecam {
            entries.append(E820Entry(range: ecam, type: .reserved, purpose: "PCIe ECAM (MMCONFIG)"))
        }
        entries += vmm == .xen ? xenReserved() : qemuReserved(rom: memory.firmwareROM)
        if let high = memory.highRAM {
            entries.append(E820Entry(range: high, type: .ram, purpose: memory.relocatedRAM > 0 ? "high RAM (with relocated RAM)" : "high RAM"))
        }
        return entries.sorted { $0.range < $1.range }
    }

    static func qemuReserved(rom: AddressRange) -> [E820Entry] {
        [
            E820Entry(range: AddressRange(start: FixedRanges.ioapic, size: FixedRanges.ioapicSize), type: .reserved, purpose: "IOAPIC"),
            E820Entry(range: AddressRange(start: FixedRanges.hpet, size: FixedRanges.hpetSize), type: .reserved, purpose: "HPET"),
            E820Entry(range: AddressRange(start: FixedRanges.lapic, size: FixedRanges.lapicSize), type: .reserved, purpose: "local APIC"),
            E820Entry(range: rom, type: .reserved, purpose: "firmware ROM"),
        ]
    }

    /// Xen keeps everything from 0xFC000000 to 4 GiB (its special pages, the chipset, the ROM).
    static func xenReserved() -> [E820Entry] {
        [E820Entry(range: AddressRange(start: FixedRanges.xenReservedStart, limit: FixedRanges.fourGiB), type: .reserved,
                   purpose: "Xen reserved (chipset, special pages, firmware)")]
    }
}

/// Sizes of the firmware's own areas, growing with the number of functions the tables describe.
enum FirmwareAreas {
    static func acpiTablesSize(functionCount: Int) -> UInt64 {
        alignUp(64 * Units.kiB + UInt64(functionCount) * Units.kiB, 64 * Units.kiB)
    }

    /// The flat image holds the boot code, the hand-off block and a copy of the tables.
    static func romSize(acpiTablesSize: UInt64) -> UInt64 {
        alignUp(128 * Units.kiB + acpiTablesSize, 64 * Units.kiB)
    }

    static let biosArea = AddressRange(start: 0xE_0000, limit: FixedRanges.legacyEnd)
}
