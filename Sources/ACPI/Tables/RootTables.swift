import Layout

extension ACPITables {
    /// The tables the RSDT and XSDT point at, in this order. The DSDT and FACS are reached through
    /// the FADT, never listed here.
    public static let rootEntries = ["FACP", "APIC", "HPET", "MCFG", "WAET"]

    /// RSDP, revision 2 (ACPI 2.0+ layout, 36 bytes, ACPI 6.3 5.2.5.3): both the RSDT (for ACPI 1.0
    /// readers) and the XSDT. The first checksum covers bytes 0-19, the extended one all 36.
    public static func rsdp(plan: Plan, options: ACPIOptions) -> [UInt8] {
        let rsdt = plan.slotAddress("RSDT")
        let xsdt = plan.slotAddress("XSDT")
        var writer = ByteWriter()
        writer.ascii("RSD PTR ", width: 8)
        writer.u8(0)  // checksum of the first 20 bytes
        writer.ascii(options.oemID, width: 6)
        writer.u8(2)  // revision: 2 = ACPI 2.0 and later
        writer.u32(low32(rsdt, what: "the RSDT"))
        writer.u32(UInt32(rsdpLength))
        writer.u64(xsdt)
        writer.u8(0)  // extended checksum
        writer.zeros(3)
        var bytes = writer.bytes
        bytes[8] = acpiChecksum(bytes[0..<20])
        bytes[32] = acpiChecksum(bytes[...])
        return bytes
    }

    static let rsdpLength = 36

    /// RSDT, revision 1: 32-bit pointers, for OSes that predate the XSDT.
    public static func rsdt(plan: Plan) -> ACPITable {
        var writer = ByteWriter()
        for signature in rootEntries {
            writer.u32(low32(plan.slotAddress(signature), what: signature))
        }
        return ACPITable(signature: "RSDT", revision: 1, body: writer.bytes)
    }

    /// XSDT, revision 1: 64-bit pointers; what every ACPI 2.0+ OS reads.
    public static func xsdt(plan: Plan) -> ACPITable {
        var writer = ByteWriter()
        for signature in rootEntries {
            writer.u64(plan.slotAddress(signature))
        }
        return ACPITable(signature: "XSDT", revision: 1, body: writer.bytes)
    }

    static func low32(_ address: UInt64, what: String) -> UInt32 {
        guard let value = UInt32(exactly: address) else {
            preconditionFailure("\(what) at \(hex(address)) is above 4 GiB, out of reach of a 32-bit table pointer")
        }
        return value
    }
}

extension Plan {
    /// The planned address of a table; every table guestfw writes has a slot.
    func slotAddress(_ signature: String) -> UInt64 {
        guard let slot = memory.acpi.slot(signature) else {
            preconditionFailure("the plan's ACPI layout has no slot for \(signature)")
        }
        return slot.address
    }
}
