import Layout

/// The fixed-layout tables, each a function of the Plan: every address and number in them comes
/// from the Plan or from the chipset facts, never from a choice made here.
public enum ACPITables {
    /// Every table of a plan, encoded and placed at its slot: the RSDP first, then the tables in
    /// the order of `plan.memory.acpi.tables`. The file name of each is its signature.
    ///
    /// - Parameter dsdt: the DSDT (signature "DSDT", revision and AML body chosen by its encoder);
    ///   its header gets the same identity as the others.
    /// - Throws: `.noECAM` when the plan has no ECAM window (no MCFG can be built), `.invalidIdentity`
    ///   when `options` cannot be written into a table header.
    public static func tableSet(plan: Plan, options: ACPIOptions = ACPIOptions(),
                                dsdt: ACPITable) throws(ACPITableError) -> [PlacedTable] {
        try options.validate()
        precondition(dsdt.signature == "DSDT", "the DSDT argument has signature \(dsdt.signature)")
        let mcfg = try mcfg(plan: plan)
        let headed = [rsdt(plan: plan), xsdt(plan: plan), fadt(plan: plan), madt(plan: plan), hpet(), mcfg, waet(), dsdt]
        var encoded: [String: [UInt8]] = ["FACS": facs()]
        for table in headed {
            encoded[table.signature] = table.bytes(options: options)
        }

        let layout = plan.memory.acpi
        precondition(layout.rsdp.address % 16 == 0, "the RSDP slot \(hex(layout.rsdp.address)) is not 16-byte aligned")
        precondition(layout.slot("FACS").map { $0.address % 64 == 0 } ?? true, "the FACS slot is not 64-byte aligned")
        var placed = [PlacedTable(signature: "RSDP", address: layout.rsdp.address, bytes: rsdp(plan: plan, options: options))]
        for slot in layout.tables {
            guard let bytes = encoded.removeValue(forKey: slot.signature) else {
                preconditionFailure("the plan has a slot for \(slot.signature) that no encoder fills")
            }
            placed.append(PlacedTable(signature: slot.signature, address: slot.address, bytes: bytes))
        }
        precondition(encoded.isEmpty, "no slot in the plan for \(encoded.keys.sorted().joined(separator: ", "))")
        for table in placed {
            let slot = layout.slot(table.signature)!
            precondition(UInt64(table.bytes.count) <= slot.capacity,
                         "\(table.signature) is \(table.bytes.count) bytes but its slot at \(hex(slot.address)) holds "
                         + "\(slot.capacity): the planner's ACPILayout must size it")
        }
        return placed
    }
}

/// One encoded table and the address the plan gives it.
public struct PlacedTable: Sendable, Hashable {
    /// The table's signature ("RSDP" for the root pointer): also its file name.
    public var signature: String
    public var address: UInt64
    public var bytes: [UInt8]

    public init(signature: String, address: UInt64, bytes: [UInt8]) {
        self.signature = signature
        self.address = address
        self.bytes = bytes
    }
}
