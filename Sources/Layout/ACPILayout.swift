import VMConfig

/// Where each ACPI table goes, decided with the rest of the memory map: the RSDP in the BIOS
/// area (where the spec says an OS searches for it), every other table in a slot of its own in the
/// ACPI tables area at the top of low RAM. An encoder fills a slot; it never chooses one.
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

    /// Fixed-size tables first, each slot rounded to 64 bytes (the FACS needs 64-byte alignment);
    /// the DSDT takes the rest of the area.
    static func layout(area: AddressRange, biosArea: AddressRange, vcpus: Int) -> ACPILayout {
        let madt = 44 + 8 * UInt64(vcpus) + 12 + 2 * 10 + 6 * 1
        let sizes: [(String, UInt64)] = [
            ("FACS", 64), ("RSDT", 36 + 4 * 8), ("XSDT", 36 + 8 * 8), ("FACP", 276), ("APIC", madt),
            ("HPET", 56), ("MCFG", 44 + 16), ("WAET", 40),
        ]
        var cursor = area.start
        var tables: [Slot] = []
        for (signature, size) in sizes {
            let capacity = alignUp(size, 64)
            tables.append(Slot(signature: signature, address: cursor, capacity: capacity))
            cursor += capacity
        }
        tables.append(Slot(signature: "DSDT", address: cursor, capacity: area.limit - cursor))
        return ACPILayout(rsdp: Slot(signature: "RSDP", address: biosArea.start, capacity: 36), tables: tables)
    }
}
