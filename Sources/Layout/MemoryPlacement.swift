import VMConfig

/// The decisions every policy shares: QEMU's RAM split, the top of the 32-bit hole, the 64-bit
/// window, and which part of the hole is the 32-bit PCI window.
enum MemoryPlacement {
    /// QEMU q35's split (pc_q35_init): all RAM low when it is below 0xB0000000, otherwise 2 GiB
    /// low, and never more than max-ram-below-4g.
    static func qemuLowRAM(memory: UInt64, maxRAMBelow4G: UInt64?) -> UInt64 {
        var lowLimit: UInt64 = memory >= 0xB000_0000 ? 0x8000_0000 : 0xB000_0000
        if let maxRAMBelow4G, lowLimit > maxRAMBelow4G { lowLimit = maxRAMBelow4G }
        return min(memory, lowLimit)
    }

    /// Where PCI's part of the hole ends: QEMU decodes up to the IOAPIC; Xen keeps
    /// 0xFC000000 and up for itself.
    static func holeLimit(_ vmm: VMMKind) -> UInt64 {
        vmm == .qemu ? FixedRanges.chipsetStart : FixedRanges.xenReservedStart
    }

    /// The lowest hole start Xen accepts (xl.cfg's mmio_hole is at most 3840 MiB).
    static let xenLowestHoleStart: UInt64 = FixedRanges.fourGiB - ConfigDecoder.holeRange.upperBound

    /// The 32-bit PCI window: the hole less the ECAM (which the host bridge must not claim).
    static func mmio32(hole: AddressRange, ecam: AddressRange?) -> [AddressRange] {
        guard let ecam, hole.overlaps(ecam) else { return [hole] }
        var ranges: [AddressRange] = []
        if ecam.start > hole.start { ranges.append(AddressRange(start: hole.start, limit: ecam.start)) }
        if ecam.limit < hole.limit { ranges.append(AddressRange(start: ecam.limit, limit: hole.limit)) }
        return ranges
    }

    static let defaultWindow64: UInt64 = 32 * Units.giB

    /// The 64-bit window starts on the first GiB boundary above high RAM (and a high ECAM). Its
    /// size is `mmio.window64` exactly when given; otherwise 32 GiB, or more when the 64-bit
    /// resources need more, never past 2^phys_bits.
    /// Fixed ranges above 4 GiB (`covering`) are inside it: it starts no later than the GiB
    /// boundary below the lowest (never below RAM or a high ECAM) and holds the demand past the
    /// highest; a given window64 is kept as given (IdentityConflicts names what it leaves out).
    static func window64(config: MachineConfig, aboveRAM highRAMLimit: UInt64, ecam: AddressRange?,
                         highDemand: [Request], covering fixed: [AddressRange] = []) throws(LayoutError) -> AddressRange? {
        var floor = max(FixedRanges.fourGiB, highRAMLimit)
        if let ecam, ecam.start >= FixedRanges.fourGiB { floor = max(floor, ecam.limit) }
        var start = alignUp(floor, Units.giB)
        if let lowest = fixed.map(\.start).min(), lowest < start { start = max(floor, alignDown(lowest, Units.giB)) }
        let addressLimit = UInt64(1) << config.physBits
        let size: UInt64
        if let given = config.mmio.window64 {
            guard start < addressLimit, given <= addressLimit - start else {
                throw .conflictingInput(
                    field: "mmio.window64", value: Quantity.format(given),
                    problem: "a 64-bit window from \(hex(start)) (the first GiB boundary above RAM and any ECAM above 4G) of that size ends past 2^phys_bits = \(hex(addressLimit))",
                    accepted: "at most \(Quantity.format(addressLimit > start ? alignDown(addressLimit - start, Units.giB) : 0)), or a larger phys_bits")
            }
            size = given
        } else {
            guard start < addressLimit else { return nil }
            // Worst case with fixed ranges: the demand packed after the highest of them.
            let pastFixed = fixed.map { alignUp($0.limit, Units.giB) }.max().map { max($0, start) } ?? start
            let span = pastFixed - start + alignedSpan(highDemand, from: pastFixed)
            size = min(max(defaultWindow64, alignUp(span, Units.giB)), alignDown(addressLimit - start, Units.giB))
        }
        guard size > 0 else { return nil }
        return AddressRange(start: start, size: size)
    }

    /// Bytes from `start` to the end of the requests packed in placement order.
    static func alignedSpan(_ requests: [Request], from start: UInt64) -> UInt64 {
        requests.sorted(by: placementOrder).reduce(start) { alignUp($0, $1.alignment) + $1.size } - start
    }
}

/// The outcome of a placement policy for memory: the hole, the ECAM, the windows and an address
/// for every request it could place.
struct MemoryAssignment {
    var lowRAMEnd: UInt64
    var relocatedRAM: UInt64
    var hole: AddressRange
    var ecam: AddressRange?
    var mmio32: [AddressRange]
    var mmio64: AddressRange?
    var addresses: [ResourceOwner: UInt64] = [:]
    var unassigned: [Request] = []
    var warnings: [String] = []
    /// Where the policy knowingly differs from the program it imitates.
    var departures: [String] = []
}
