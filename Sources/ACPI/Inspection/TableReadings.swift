/// The few fields of a raw FADT and MCFG that the OS checks before it trusts the platform, read
/// through `TableBytes` (a field the table is too short to hold reads as absent, never a trap).
/// Offsets are ACPI 6.5's (5.2.9, FADT) and the PCI Firmware spec 3.3's (4.1.2, MCFG).
public enum FADTReading {
    /// One PM1a block as the FADT gives it: the legacy 32-bit field and, from revision 3 on, the
    /// X_ Generic Address's address (which takes precedence when non-zero).
    public struct Block: Sendable, Hashable {
        public var name: String
        public var legacyOffset: Int
        public var legacy: UInt64?
        /// The offset of the X_ field's 64-bit address (the Generic Address Structure's 4th byte).
        public var extendedOffset: Int
        public var extended: UInt64?

        /// The address the OS uses: X_ when set, else the legacy field; 0 when both are 0 or absent.
        public var address: UInt64 { (extended ?? 0) != 0 ? extended! : legacy ?? 0 }
        /// Where to look, for a message: both fields with their offsets.
        public var fields: String {
            "\(name) (offset \(legacyOffset)) and X_\(name).Address (offset \(extendedOffset))"
        }
    }

    /// PM1a_EVT_BLK at 56, X_PM1a_EVT_BLK at 148 (its 64-bit address 4 bytes in); PM1a_CNT_BLK at
    /// 64, X_PM1a_CNT_BLK at 172.
    public static func pm1a(_ table: TableBytes) -> (event: Block, control: Block) {
        func block(_ name: String, _ legacy: Int, _ extended: Int) -> Block {
            Block(name: name, legacyOffset: legacy, legacy: table.unsigned(at: legacy, size: 4),
                  extendedOffset: extended, extended: table.unsigned(at: extended, size: 8))
        }
        return (block("PM1a_EVT_BLK", 56, 148 + 4), block("PM1a_CNT_BLK", 64, 172 + 4))
    }
}

public enum MCFGReading {
    /// One configuration space base address allocation.
    public struct Allocation: Sendable, Hashable {
        /// The entry's index in the table.
        public var index: Int
        /// The ECAM address of bus 0 of the segment, even when `startBus` is higher.
        public var base: UInt64
        public var segment: Int
        public var startBus: Int
        public var endBus: Int

        /// The bytes the entry's buses decode, [first, last]; nil when they would pass 2^64 or the
        /// entry's end bus is below its start bus.
        public var ecam: (first: UInt64, last: UInt64)? {
            guard startBus <= endBus else { return nil }
            let (first, overflow) = base.addingReportingOverflow(UInt64(startBus) << 20)
            let (end, overflowEnd) = base.addingReportingOverflow(UInt64(endBus + 1) << 20)
            guard !overflow, !overflowEnd || end == 0 else { return nil }
            return (first, end &- 1)
        }
    }

    /// Entries of 16 bytes from offset 44 (after the header and 8 reserved bytes) to the end;
    /// a partial entry at the end is not an entry.
    public static func allocations(_ table: TableBytes) -> [Allocation] {
        stride(from: 44, through: table.count - 16, by: 16).enumerated().compactMap { index, offset in
            guard let base = table.unsigned(at: offset, size: 8), let segment = table.unsigned(at: offset + 8, size: 2),
                  let start = table.u8(at: offset + 10), let end = table.u8(at: offset + 11) else { return nil }
            return Allocation(index: index, base: base, segment: Int(segment), startBus: Int(start), endBus: Int(end))
        }
    }
}
