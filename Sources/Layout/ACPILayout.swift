import VMConfig

/// Where each ACPI table goes, decided with the rest of the memory map: the RSDP in the BIOS
/// area (where the spec says an OS searches for it), every other table in a slot of its own in the
/// ACPI tables area (at the top of low RAM on QEMU; from 0xFC001000 on Xen, as hvmloader puts
/// them). An encoder fills a slot; it never chooses one.
public struct ACPILayout: Sendable, Hashable {
    public struct Slot: Sendable, Hashable {
        public var signature: String
        public var address: UInt64
        /// The most bytes the table may take.
        public var capacity: UInt64
        public var range: AddressRange { AddressRange(start: address, size: capacity) }
    }

    public var rsdp: Slot
    public var tables: [Slot]

    public func slot(_ signature: String) -> Slot? {
        signature == "RSDP" ? rsdp : tables.first { $0.signature == signature }
    }

    /// The most bytes each fixed-size table takes (the RSDT and XSDT with room for 8 entries).
    static func fixedSizes(vcpus: Int) -> [(String, UInt64)] {
        let madt = 44 + 8 * UInt64(vcpus) + 12 + 2 * 10 + 6 * 1
        return [
            ("FACS", 64), ("RSDT", 36 + 4 * 8), ("XSDT", 36 + 8 * 8), ("FACP", 276), ("APIC", madt),
            ("HPET", 56), ("MCFG", 44 + 16), ("WAET", 40),
        ]
    }

    /// Fixed-size tables first, each slot rounded to 64 bytes (the FACS needs 64-byte alignment);
    /// the DSDT takes the rest of the area.
    static func layout(area: AddressRange, biosArea: AddressRange, vcpus: Int) -> ACPILayout {
        var cursor = area.start
        var tables: [Slot] = []
        for (signature, size) in fixedSizes(vcpus: vcpus) {
            let capacity = alignUp(size, 64)
            tables.append(Slot(signature: signature, address: cursor, capacity: capacity))
            cursor += capacity
        }
        tables.append(Slot(signature: "DSDT", address: cursor, capacity: area.limit - cursor))
        return ACPILayout(rsdp: Slot(signature: "RSDP", address: biosArea.start, capacity: 36), tables: tables)
    }

    /// hvmloader's order (libacpi build.c, acpi_build_tables(), allocating upward through
    /// hvmloader's acpi_mem_alloc from 0xFC001000): the FACS (64-byte aligned), the DSDT, the
    /// FADT, then the secondary tables as construct_secondary_tables() adds them (MADT, HPET,
    /// WAET; the Q35 series' MCFG after them), and last the XSDT and the RSDT, each 16-byte
    /// aligned. hvmloader packs tables of known size; guestfw's DSDT is only known after the
    /// plan, so it gets every byte of `tables` the others leave (a FACS at a page start keeps
    /// every later slot 16-byte aligned). The RSDP goes where hvmloader writes it (`rsdp`).
    /// hvmloader's extra revision-1 FADT for the RSDT has no counterpart: guestfw has one FADT.
    static func hvmloaderLayout(tables: AddressRange, rsdp: UInt64, vcpus: Int) -> ACPILayout {
        let sizes = Dictionary(uniqueKeysWithValues: fixedSizes(vcpus: vcpus))
        let order = ["FACS", "DSDT", "FACP", "APIC", "HPET", "WAET", "MCFG", "XSDT", "RSDT"]
        let capacity = { (signature: String) in alignUp(sizes[signature]!, 16) }
        let fixedTotal = order.filter { $0 != "DSDT" }.map(capacity).reduce(0, +)
        var cursor = tables.start
        var slots: [Slot] = []
        for signature in order {
            let size = signature == "DSDT" ? tables.size - fixedTotal : capacity(signature)
            cursor = alignUp(cursor, signature == "FACS" ? 64 : 16)
            slots.append(Slot(signature: signature, address: cursor, capacity: size))
            cursor += size
        }
        return ACPILayout(rsdp: Slot(signature: "RSDP", address: rsdp, capacity: 36), tables: slots)
    }
}
