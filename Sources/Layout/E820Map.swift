import VMConfig

/// The memory map the guest is given: RAM as the plan leaves it, with everything that is not
/// RAM reserved, so the kernel never puts anything over the ECAM, the tables or the chipset.
enum E820Map {
    static let ebda = AddressRange(start: 0x9_FC00, limit: 0xA_0000)

    static func build(memory: MemoryMap, ecam: AddressRange?, vmm: VMMKind) -> [E820Entry] {
        switch vmm {
        case .qemu: qemu(memory: memory, ecam: ecam)
        case .xen: xen(memory: memory, ecam: ecam)
        }
    }

    /// What guestfw's own firmware hands Linux on QEMU's q35.
    static func qemu(memory: MemoryMap, ecam: AddressRange?) -> [E820Entry] {
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
        entries += qemuReserved(rom: memory.firmwareROM)
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

    /// The map an HVM guest gets from libxl + hvmloader (with SeaBIOS, libxl's BIOS for qemu-xen),
    /// entry by entry as hvmloader e820.c, build_e820_table() makes it:
    /// - RAM [0, 0xA0000) (lowmem_reserved_base 0 means 0xA0000);
    /// - nothing for 0xA0000-0xDFFFF (VGA and option ROMs: "not covered by E820");
    /// - reserved [bios_image_base, 1 MiB): SeaBIOS's 128 KiB image from 0xE0000;
    /// - ACPI NVS [0xFC000000, acpi_mem_end): the acpi_info page and the pages the tables
    ///   populated (NVS since commit de6d188a51, which flipped 8efa46516c's "ACPI data");
    /// - reserved [acpi_mem_end, 4 GiB): the special pages, IOAPIC, HPET, LAPIC, all in one entry;
    /// - then libxl's own map, copied in (libxl_x86.c, domain_construct_memmap()): RAM [1 MiB,
    ///   low end) and RAM [4 GiB, high end), both as adjust_memory_map() leaves them after any
    ///   relocation (the high entry grows by what moved);
    /// - the Q35 series (v1, "hvmloader: use libacpi to build MCFG table") adds the ECAM, reserved.
    /// The 32-bit hole between low RAM and 0xFC000000 is a gap, as on Xen.
    static func xen(memory: MemoryMap, ecam: AddressRange?) -> [E820Entry] {
        var entries = [
            E820Entry(range: AddressRange(start: 0, limit: XenMemoryLayout.lowmemReservedBase), type: .ram,
                      purpose: "conventional memory"),
            E820Entry(range: XenMemoryLayout.biosRegion, type: .reserved, purpose: "BIOS region (SeaBIOS image)"),
            E820Entry(range: AddressRange(start: XenMemoryLayout.lowRAMStart, limit: memory.lowRAMEnd), type: .ram,
                      purpose: "low RAM"),
            E820Entry(range: memory.acpiTables, type: .nvs, purpose: "ACPI info page and tables (hvmloader: ACPI NVS)"),
            E820Entry(range: AddressRange(start: memory.acpiTables.limit, limit: FixedRanges.fourGiB), type: .reserved,
                      purpose: "Xen reserved (ioreq-server and special pages \(hex(XenMemoryLayout.ioreqServerPages.start))-\(hex(XenMemoryLayout.specialPages.end)), IOAPIC, HPET, LAPIC)"),
        ]
        if let ecam {
            entries.append(E820Entry(range: ecam, type: .reserved, purpose: "PCIe ECAM (MMCONFIG)"))
        }
        if let high = memory.highRAM {
            entries.append(E820Entry(range: high, type: .ram, purpose: memory.relocatedRAM > 0 ? "high RAM (with relocated RAM)" : "high RAM"))
        }
        return entries.sorted { $0.range < $1.range }
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

    /// QEMU's `-kernel` puts the initrd as high as it can below the top 0x28000 bytes of low RAM
    /// (x86_load_linux leaves the pc machines' acpi_data_size, 0x20000 + 0x8000, to the firmware's
    /// tables): a larger ACPI area at the top of low RAM would lie under the initrd. Seen on QEMU
    /// 7.2 with 2 GiB: a 1263059-byte initrd at [0x7fea3000-0x7ffd75d2], ending just below 0x7ffd8000.
    static let qemuACPIReserve: UInt64 = 0x28000
}
