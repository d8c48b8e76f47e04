import VMConfig

/// Placement as Xen's hvmloader decides it at boot: `pci_setup()` in
/// tools/firmware/hvmloader/pci.c (Xen master of 2026-08) plus the Q35 series' MMCONFIG
/// pseudo-BAR. On vmm = "xen" every rule is hvmloader's own, including the ones that hurt a
/// guest (they become the plan's hazards); on vmm = "qemu" the hole is QEMU's and three rules
/// are guestfw's, each listed in the plan's departures.
///
/// The rules, in hvmloader's order:
/// - One list of bus 0 BARs (devfn 0-255, BAR 0-5, then the ROM), largest first; a new entry goes
///   after every entry that is not smaller, so equal sizes keep scan order.
/// - The ECAM is a pseudo-entry of its own size inserted after the entries of equal size,
///   aligned to its own size, counted in the total. It never sets its 64-bit flag, so it keeps
///   the flag of the entry it displaced and may be sent above 4 GiB.
/// - The total counts every memory BAR and ROM except 64-bit BARs over 1 GiB, which always go
///   high; I/O never counts.
/// - With `xen_platform_pci_bar_uc = 0` the platform device's memory BAR is not listed: it goes
///   at the end of the hole, whose end drops to it.
/// - The hole starts at 0xF0000000 (or 4G - mmio_hole) and, while the total exceeds it, doubles
///   downward while the new start is not below low RAM's end, or at all when RAM may move.
///   RAM under the hole moves above high RAM.
/// - A 64-bit BAR goes high when it is over 1 GiB, or when relocation is on and the remaining
///   total still exceeds the remaining low space. High addresses start at the end of high RAM,
///   each aligned to its size; the range ends where its alignment matches its start's.
/// - Every BAR is aligned to its own size from a running base (sub-4 KiB BARs share pages); one
///   that does not fit is skipped without moving the base.
/// - I/O from 0xC000 to 0xFFFF only; what does not fit is left unprogrammed.
///
/// hvmloader programs no bridge. Root ports' windows are placed after every bus 0 resource by
/// the same rules in what is left, and marked as extensions.
///
/// hvmloader knows no fixed BARs. Identity BARs (`placement = "identity"`) and the windows fixed
/// around them are treated as taken before pci_setup runs: the cursors jump past them, the Xen
/// hole grows until it covers them and the 64-bit range is widened to cover them (a departure).
struct HvmloaderPolicy: PlacementRules {
    let config: MachineConfig

    /// BAR_RELOC_THRESH: a 64-bit BAR over this size always goes above 4 GiB.
    static let relocationThreshold: UInt64 = Units.giB
    /// HVM_BELOW_4G_MMIO_START: where the hole starts before it grows.
    static let xenHoleStart: UInt64 = 0xF000_0000
    static let xenIOSpace = AddressRange(start: 0xC000, limit: 0x10000)

    /// vmm = "xen": hvmloader exactly. vmm = "qemu": QEMU's hole, page-sized BARs, a
    /// 256 MiB-aligned ECAM that stays below 4 GiB, I/O that may start at 0x1000.
    var exact: Bool { config.vmm == .xen }
    var leavesBridgesToGuest: Bool { true }

    func request(for bar: BARSpec, owner: String, scanOrder: Int) -> Request {
        Request(bar: bar, owner: owner, scanOrder: scanOrder, ownPage: !exact)
    }

    /// pci_setup's list order: largest first, equal sizes in scan order.
    static func precedes(_ a: Request, _ b: Request) -> Bool {
        if a.size != b.size { return a.size > b.size }
        if a.scanOrder != b.scanOrder { return a.scanOrder < b.scanOrder }
        return a.owner.precedes(b.owner)
    }

    static func isHuge(_ request: Request) -> Bool { request.canGoHigh && request.size > relocationThreshold }

    func place(_ input: PlacementInput) throws(LayoutError) -> MemoryAssignment {
        var list = input.busZero.filter { !$0.isIO }.sorted(by: Self.precedes)
        var holeEnd = MemoryPlacement.holeLimit(config.vmm)
        var fixed: [ResourceOwner: UInt64] = [:]
        if exact && config.xen.platformPCI && !config.xen.platformPCIBarUC {
            holeEnd = Self.platformBARsAtEnd(&list, ids: input.xenPlatformIDs, holeEnd: holeEnd, fixed: &fixed)
        }
        let ecam = insertECAM(into: &list)
        var total = list.filter { !Self.isHuge($0) }.reduce(0) { $0 + $1.size }
        let (holeStart, lowRAMEnd, relocated) = hole(total: total, end: holeEnd, fixed: input.fixedLow)
        var relocate64 = list.contains(where: Self.isHuge) || total > holeEnd - holeStart

        let highRAMLimit = FixedRanges.fourGiB + (config.guestRAM - lowRAMEnd)
        let highLimit = try Self.highLimit(config, from: highRAMLimit)
        var cursors = Cursors(low: Cursor(base: holeStart, limit: holeEnd, taken: input.fixedLow),
                              high: Cursor(base: highRAMLimit, limit: highLimit, taken: input.fixedHigh))
        var assignment = MemoryAssignment(lowRAMEnd: lowRAMEnd, relocatedRAM: relocated,
                                          hole: AddressRange(start: holeStart, limit: MemoryPlacement.holeLimit(config.vmm)),
                                          ecam: nil, mmio32: [], mmio64: nil)
        assignment.addresses = fixed
        allocate(list, total: &total, relocate64: relocate64, cursors: &cursors, into: &assignment)

        // Phase 2, guestfw's extension: the bridges' windows in what hvmloader left.
        let windows = input.windows.filter { !$0.isIO }.sorted(by: Self.precedes)
        var windowTotal = windows.filter { !Self.isHuge($0) }.reduce(0) { $0 + $1.size }
        relocate64 = relocate64 || windows.contains(where: Self.isHuge) || windowTotal > cursors.low.room
        allocate(windows, total: &windowTotal, relocate64: relocate64, cursors: &cursors, into: &assignment)

        assignment.ecam = assignment.addresses.removeValue(forKey: .ecam).map { AddressRange(start: $0, size: ecam.size) }
        assignment.mmio32 = MemoryPlacement.mmio32(hole: assignment.hole, ecam: assignment.ecam)
        assignment.mmio64 = covering(highRange(cursors, highRAMLimit: highRAMLimit), input.fixedHigh)
        if let mmio64 = assignment.mmio64, mmio64.limit > highLimit {
            assignment.mmio64 = AddressRange(start: mmio64.start, limit: highLimit)
            assignment.departures.append("the 64-bit range ends at 2^phys_bits = \(hex(highLimit)); hvmloader's rounding of its end (for the MTRRs) would take it to \(hex(mmio64.limit))")
        }
        try placeIO(input, into: &assignment)
        noteDepartures(&assignment)
        if !input.fixed.isEmpty {
            assignment.departures.append("identity BARs (placement = \"identity\") are taken before pci_setup runs: hvmloader knows no fixed BARs; here its allocation skips them, the hole grows to cover them and the 64-bit range is widened to cover them")
        }
        if config.ecam.base != nil {
            assignment.warnings.append("ecam.base is ignored by the hvmloader policy: firmware places the ECAM at boot")
        }
        return assignment
    }

    /// With the platform BAR written-back as WB, hvmloader takes each of the platform device's
    /// 32-bit memory BARs out of the list and puts it at the end of the hole, lowering the end.
    static func platformBARsAtEnd(_ list: inout [Request], ids: Set<String>, holeEnd: UInt64,
                                  fixed: inout [ResourceOwner: UInt64]) -> UInt64 {
        var end = holeEnd
        for request in list.sorted(by: { $0.scanOrder < $1.scanOrder }) where ids.contains(request.owner.id) && !request.canGoHigh {
            // "overflows low PCI hole": checked against the hole's start before it grows.
            guard request.size <= end, alignDown(end - request.size, request.size) >= xenHoleStart else { continue }
            end = alignDown(end - request.size, request.size)
            fixed[request.owner] = end
            list.removeAll { $0.owner == request.owner }
        }
        return end
    }

    /// The series' pseudo-entry: after every entry that is not smaller. On Xen it keeps the
    /// 64-bit flag of the entry it displaced (the patch never sets it).
    func insertECAM(into list: inout [Request]) -> Request {
        let size = config.ecam.size
        let at = list.firstIndex { $0.size < size } ?? list.count
        let inherited = exact && at < list.count && list[at].canGoHigh
        let ecam = Request(owner: .ecam, size: size, alignment: exact ? size : FixedRanges.ecamAlignment,
                           canGoHigh: inherited, kindName: "ecam")
        list.insert(ecam, at: at)
        return ecam
    }

    /// hvmloader's hole: QEMU's is fixed by its RAM split; Xen's starts at 0xF0000000 (or where
    /// mmio_hole puts it) and doubles while the total does not fit and the next start is clear of
    /// RAM, unless RAM may be relocated. pci_mem_start is 32 bits wide: doubling ends at 0x80000000.
    /// Fixed ranges below 4 GiB take room in the hole, and the hole grows until it starts at or below them.
    func hole(total: UInt64, end: UInt64, fixed: [AddressRange] = []) -> (start: UInt64, lowRAMEnd: UInt64, relocated: UInt64) {
        let fixedStart = config.mmio.hole.map { FixedRanges.fourGiB - $0 }
        if config.vmm == .qemu {
            let low = MemoryPlacement.qemuLowRAM(memory: config.guestRAM, maxRAMBelow4G: fixedStart)
            return (low, low, 0)
        }
        // libxl: low RAM ends at min(RAM, 4G - mmio_hole), 256 MiB by default.
        let lowRAMEnd = min(config.guestRAM, fixedStart ?? Self.xenHoleStart)
        var start = fixedStart ?? Self.xenHoleStart
        if fixedStart == nil {
            let taken = fixed.reduce(0) { $0 + $1.size }
            let lowestFixed = fixed.map(\.start).min() ?? start
            while total + taken > end - start || start > lowestFixed {
                let next = (start << 1) & 0xFFFF_FFFF
                guard next != 0, config.mmio.relocateRAM || next >= lowRAMEnd else { break }
                start = next
            }
        }
        let relocated = lowRAMEnd > start ? lowRAMEnd - start : 0
        return (start, lowRAMEnd - relocated, relocated)
    }

    struct Cursor {
        var base: UInt64
        var limit: UInt64
        /// Fixed ranges (identity) the cursor jumps past.
        var taken: [AddressRange] = []
        var room: UInt64 { limit > base ? limit - base : 0 }
    }

    struct Cursors {
        var low: Cursor
        var high: Cursor
        /// pci_hi_mem_start: the first high address handed out.
        var highStart: UInt64?
    }

    /// pci_setup's assignment loop. `total` is what is still to place (BARs up to 1 GiB); it drops
    /// by each BAR's size whether or not the BAR found room.
    func allocate(_ list: [Request], total: inout UInt64, relocate64: Bool, cursors: inout Cursors,
                  into assignment: inout MemoryAssignment) {
        for request in list {
            let high = request.canGoHigh && relocate64
                && (total > cursors.low.limit - min(cursors.low.base, cursors.low.limit) || request.size > Self.relocationThreshold)
            if request.size <= Self.relocationThreshold { total -= request.size }
            if high {
                cursors.high.base = alignUp(cursors.high.base, request.alignment)
                if cursors.highStart == nil { cursors.highStart = cursors.high.base }
            }
            let placed = high ? Self.take(request, from: &cursors.high) : Self.take(request, from: &cursors.low)
            if let placed {
                assignment.addresses[request.owner] = placed
            } else {
                assignment.unassigned.append(request)
            }
        }
    }

    /// "no space for resource" when the aligned end passes the limit (or wraps).
    /// A fixed range in the way moves the cursor past it.
    static func take(_ request: Request, from cursor: inout Cursor) -> UInt64? {
        var base = alignUp(cursor.base, request.alignment)
        while base >= cursor.base, base <= cursor.limit, cursor.limit - base >= request.size,
              let blocking = cursor.taken.first(where: { $0.overlaps(AddressRange(start: base, size: request.size)) }) {
            base = alignUp(blocking.limit, request.alignment)
        }
        guard base >= cursor.base, base <= cursor.limit, cursor.limit - base >= request.size else { return nil }
        cursor.base = base + request.size
        return base
    }

    /// The 64-bit range widened to cover the fixed ranges above 4 GiB (a given window64 stays as given).
    func covering(_ range: AddressRange?, _ fixed: [AddressRange]) -> AddressRange? {
        guard config.mmio.window64 == nil, let start = fixed.map(\.start).min(), let limit = fixed.map(\.limit).max() else { return range }
        guard let range else { return AddressRange(start: start, limit: limit) }
        return AddressRange(start: min(range.start, start), limit: max(range.limit, limit))
    }

    /// hvmloader's high resource ends at 2^phys_bits; a given window64 is honoured from the end
    /// of high RAM and must fit below it.
    static func highLimit(_ config: MachineConfig, from highRAMLimit: UInt64) throws(LayoutError) -> UInt64 {
        let addressLimit = UInt64(1) << config.physBits
        guard let given = config.mmio.window64 else { return addressLimit }
        guard highRAMLimit < addressLimit, given <= addressLimit - highRAMLimit else {
            throw .conflictingInput(
                field: "mmio.window64", value: Quantity.format(given),
                problem: "a 64-bit window from \(hex(highRAMLimit)) (the end of high RAM, where hvmloader starts it) of that size ends past 2^phys_bits = \(hex(addressLimit))",
                accepted: "at most \(Quantity.format(addressLimit > highRAMLimit ? addressLimit - highRAMLimit : 0)), or a larger phys_bits")
        }
        return highRAMLimit + given
    }

    /// [pci_hi_mem_start, pci_hi_mem_end): the end is rounded up so that its alignment matches
    /// the start's, as hvmloader does for the MTRRs. A given window64 is that window exactly.
    func highRange(_ cursors: Cursors, highRAMLimit: UInt64) -> AddressRange? {
        if let given = config.mmio.window64 { return AddressRange(start: highRAMLimit, size: given) }
        guard let start = cursors.highStart, cursors.high.base > start else { return nil }
        let startAlignment = start & (~start &+ 1)
        return AddressRange(start: start, limit: ((cursors.high.base - 1) | (startAlignment - 1)) &+ 1)
    }

    func placeIO(_ input: PlacementInput, into assignment: inout MemoryAssignment) throws(LayoutError) {
        let requests = input.busZero.filter(\.isIO) + input.windows.filter(\.isIO)
        let busZeroFirst = { (a: Request, b: Request) -> Bool in
            let (aWindow, bWindow) = (IOPlacement.isWindow(a), IOPlacement.isWindow(b))
            return aWindow != bWindow ? !aWindow : Self.precedes(a, b)
        }
        let io = try IOPlacement.place(requests, defaultOnly: input.defaultOnlyIO, explicitReservations: input.explicitIO,
                                       strict: false, space: exact ? Self.xenIOSpace : IOPlacement.space,
                                       preferredStart: exact ? nil : IOPlacement.preferredStart, order: busZeroFirst,
                                       taken: input.fixedIO)
        assignment.addresses.merge(io.addresses) { first, _ in first }
        assignment.unassigned += io.unassigned
        assignment.warnings += io.warnings
        if io.usedLowIO {
            assignment.departures.append("I/O starts at 0x1000: 0xC000-0xFFFF, all hvmloader uses, cannot hold every I/O BAR and window")
        }
    }

    func noteDepartures(_ assignment: inout MemoryAssignment) {
        guard !exact else { return }
        assignment.departures += [
            "the ECAM is aligned to 256M, which stock QEMU's PCIEXBAR masks need; hvmloader aligns it to its own size",
            "the ECAM never goes above 4G; hvmloader's pseudo-entry can inherit a 64-bit flag and be sent there",
            "memory BARs smaller than 4K get a page of their own; hvmloader packs them",
            "the 32-bit hole is QEMU's (from the end of low RAM to 0xFEC00000); hvmloader's starts at 0xF0000000 and doubles",
        ]
    }
}
