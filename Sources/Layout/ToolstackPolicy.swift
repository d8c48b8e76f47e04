import VMConfig

/// Placement fixed before boot by the toolstack: the ECAM at `ecam.base` or where it packs the
/// 32-bit resources most densely around it, at the start of the hole (`packDensely`); on xen the hole
/// is sized to exactly what the ECAM and the 32-bit resources need (so RAM is never relocated),
/// and every resource that may live above 4 GiB goes there. A layout that does not fit is an
/// error, not a partial plan.
struct ToolstackPolicy: PlacementRules {
    let config: MachineConfig

    var leavesBridgesToGuest: Bool { false }

    /// Every memory BAR on a page of its own, naturally aligned.
    func request(for bar: BARSpec, owner: String, scanOrder: Int) -> Request {
        Request(bar: bar, owner: owner, scanOrder: scanOrder)
    }

    /// Memory first (the hole, the ECAM, both windows), then I/O, where nothing may be left out.
    /// Fixed resources (identity BARs) are skipped by every allocator and covered by the hole and
    /// the 64-bit window.
    func place(_ input: PlacementInput) throws(LayoutError) -> MemoryAssignment {
        var assignment = try Self.placeMemory(config, requests: input.busZero.filter { !$0.isIO } + input.windows.filter { !$0.isIO },
                                              fixedLow: input.fixedLow, fixedHigh: input.fixedHigh)
        let io = try IOPlacement.place(input.busZero.filter(\.isIO) + input.windows.filter(\.isIO),
                                       defaultOnly: input.defaultOnlyIO, explicitReservations: input.explicitIO, strict: true,
                                       taken: input.fixedIO)
        assignment.addresses.merge(io.addresses) { first, _ in first }
        assignment.unassigned += io.unassigned
        assignment.warnings += io.warnings
        return assignment
    }

    static func placeMemory(_ config: MachineConfig, requests: [Request], fixedLow: [AddressRange] = [],
                            fixedHigh: [AddressRange] = []) throws(LayoutError) -> MemoryAssignment {
        let low = requests.filter { !$0.canGoHigh }
        let high = requests.filter(\.canGoHigh)
        var assignment = try placeLow(config, low: low, fixed: fixedLow)
        let highRAMLimit = FixedRanges.fourGiB + (config.guestRAM - assignment.lowRAMEnd)
        assignment.mmio64 = try MemoryPlacement.window64(config: config, aboveRAM: highRAMLimit, ecam: assignment.ecam,
                                                     highDemand: high, covering: fixedHigh)
        try placeHigh(high, into: &assignment, skipping: fixedHigh)
        return assignment
    }

    static func placeLow(_ config: MachineConfig, low: [Request], fixed: [AddressRange] = []) throws(LayoutError) -> MemoryAssignment {
        let holeLimit = MemoryPlacement.holeLimit(config.vmm)
        let neededLowerBound = low.reduce(0) { $0 + $1.size }
        var lastFailure: LayoutError?
        // The hole must cover the fixed ranges below 4 GiB: starts above the lowest are no candidates
        // (when none is left, IdentityConflicts names the fixed range the hole cannot reach).
        let candidates = try candidateHoleStarts(config)
        let covering = candidates.filter { start in fixed.allSatisfy { $0.start >= start } }
        for (attempt, holeStart) in (covering.isEmpty ? candidates : covering).enumerated() {
            let lowRAMEnd = config.vmm == .qemu
                ? holeStart : min(config.guestRAM, holeStart)
            let hole = AddressRange(start: holeStart, limit: holeLimit)
            let placedECAM: AddressRange?
            do {
                placedECAM = try ecamWindow(config, hole: hole, lowRAMEnd: lowRAMEnd, avoiding: fixed)
            } catch {
                // The base is bad input only if it fails where it displaces the least RAM; a larger
                // hole moving RAM onto it just means the 32-bit resources do not fit.
                if attempt == 0, let lowest = fixed.min(), !covering.isEmpty, covering[0] != candidates[0] {
                    // The identity ranges, not the base, moved RAM there.
                    throw .identityConflict(resource: "the lowest identity range", range: lowest,
                                            problem: "needs the 32-bit hole to start at \(hex(holeStart)) or below, which moves RAM onto the ECAM: \(error)")
                }
                if attempt == 0 || lastFailure == nil { throw error }
                break
            }
            guard let ecam = placedECAM else {
                let usable = hole.limit - min(hole.limit, alignUp(hole.start, FixedRanges.ecamAlignment))
                lastFailure = .lowWindowTooSmall(needed: config.ecam.size + neededLowerBound, available: usable, window: hole,
                                                 misfits: [LayoutError.Misfit(id: "ecam", what: "ECAM", size: config.ecam.size)])
                continue
            }
            if let dense = packDensely(low, hole: hole, ecam: ecam, ecamIsGiven: config.ecam.base != nil, taken: fixed) {
                return MemoryAssignment(lowRAMEnd: lowRAMEnd, relocatedRAM: 0, hole: hole, ecam: dense.ecam,
                                        mmio32: MemoryPlacement.mmio32(hole: hole, ecam: dense.ecam), mmio64: nil,
                                        addresses: dense.block.addresses)
            }
            // Dense packing is greedy: where it finds no room, the ECAM first and every resource at
            // the lowest place that fits, which fits whenever any largest-alignment-first packing does.
            let mmio32 = MemoryPlacement.mmio32(hole: hole, ecam: ecam)
            var assignment = MemoryAssignment(lowRAMEnd: lowRAMEnd, relocatedRAM: 0, hole: hole, ecam: ecam,
                                              mmio32: mmio32, mmio64: nil)
            var allocator = RangeAllocator(mmio32, discipline: .firstFit, skipping: fixed)
            var misfits: [LayoutError.Misfit] = []
            for request in low.sorted(by: placementOrder) {
                if let address = allocator.allocate(size: request.size, alignment: request.alignment) {
                    assignment.addresses[request.owner] = address
                } else {
                    misfits.append(LayoutError.Misfit(request))
                }
            }
            if misfits.isEmpty { return assignment }
            lastFailure = LayoutError.allocationFailure(
                space: "32-bit window", window: hole, needed: neededLowerBound, available: mmio32.reduce(0) { $0 + $1.size },
                misfits: misfits) { .lowWindowTooSmall(needed: $0, available: $1, window: hole, misfits: $2) }
        }
        throw lastFailure ?? .lowWindowTooSmall(needed: neededLowerBound, available: 0, window: nil, misfits: low.map(LayoutError.Misfit.init))
    }

    /// The 32-bit resources packed as one block around the ECAM, so that the span they take is
    /// close to the sum of their sizes and the free rest of the hole stays in one piece.
    /// A given ECAM stays where it is; otherwise it goes on the 256 MiB boundary that gives the
    /// smallest block starting less than 256 MiB above the hole's start (its alignment slack),
    /// the lowest such boundary on a tie. nil when something does not fit.
    /// `taken`: the identity BARs and the windows fixed around them, which neither the ECAM nor
    /// any resource may overlap.
    static func packDensely(_ low: [Request], hole: AddressRange, ecam: AddressRange, ecamIsGiven: Bool,
                            taken: [AddressRange] = []) -> (ecam: AddressRange, block: PackedBlock)? {
        let low = low.sorted(by: denseOrder)
        if ecamIsGiven {
            return packBlock(low, hole: hole, fixed: hole.overlaps(ecam) ? ecam : nil, taken: taken).map { (ecam, $0) }
        }
        var best: (ecam: AddressRange, block: PackedBlock)?
        var base = alignUp(hole.start, FixedRanges.ecamAlignment)
        while base < hole.limit, hole.limit - base >= ecam.size {
            let candidate = AddressRange(start: base, size: ecam.size)
            if !taken.contains(where: candidate.overlaps), let packed = packBlock(low, hole: hole, fixed: candidate, taken: taken),
               packed.span.start - hole.start < FixedRanges.ecamAlignment,
               best.map({ packed.span.size < $0.block.span.size }) ?? true {
                best = (candidate, packed)
            }
            base += FixedRanges.ecamAlignment
        }
        return best
    }

    /// What `packBlock` decided: the span from the lowest start to the highest end and an address
    /// for each resource.
    struct PackedBlock {
        var span: AddressRange
        var addresses: [ResourceOwner: UInt64] = [:]
    }

    /// In the given order (`denseOrder`), each resource where it grows the block least
    /// (`RangeAllocator`'s `allocate(beside:)`, which may lay a window from its top), the block
    /// starting from `fixed` (the ECAM) or, without one, from the first resource at an anchor
    /// (`anchors`): the one giving the smallest block.
    static func packBlock(_ low: [Request], hole: AddressRange, fixed: AddressRange?,
                          taken: [AddressRange] = []) -> PackedBlock? {
        let allocator = RangeAllocator(MemoryPlacement.mmio32(hole: hole, ecam: fixed), discipline: .firstFit, skipping: taken)
        if let fixed { return packBeside(low[...], allocator: allocator, block: PackedBlock(span: fixed)) }
        guard let first = low.first else { return PackedBlock(span: AddressRange(start: hole.start, size: 1)) }
        let total = low.reduce(0) { $0 + $1.size }
        var best: PackedBlock?
        for (index, base) in anchors(first, allocator: allocator, hole: hole, total: total).enumerated() {
            var rest = allocator
            let piece = AddressRange(start: base, size: first.size)
            guard rest.claim(piece) else { continue }
            let start = PackedBlock(span: piece, addresses: [first.owner: base])
            guard let packed = packBeside(low.dropFirst(), allocator: rest, block: start, within: best?.span.size) else { continue }
            // The first anchor (the end of the hole with less slack) stands even when its block
            // reaches neither end; the others must do better.
            let reachesAnEnd = packed.span.start - hole.start < FixedRanges.ecamAlignment
                || hole.limit - packed.span.limit < FixedRanges.ecamAlignment
            if reachesAnEnd || index == 0, best.map({ packed.span.size < $0.span.size }) ?? true { best = packed }
            // Nothing packs tighter than the sum of the sizes.
            if let best, best.span.size == total { break }
        }
        return best
    }

    /// Each resource in turn beside the block packed so far; nil when one finds no room or the
    /// block grows to `within` (a block found before is no larger).
    static func packBeside(_ low: ArraySlice<Request>, allocator: RangeAllocator, block: PackedBlock,
                           within limit: UInt64? = nil) -> PackedBlock? {
        var allocator = allocator
        var packed = block
        for request in low {
            if let limit, packed.span.size >= limit { return nil }
            guard let base = allocator.allocate(size: request.size, alignment: request.alignment,
                                                endAligned: request.mayAlignEnd, beside: packed.span) else { return nil }
            packed.addresses[request.owner] = base
            let piece = AddressRange(start: base, size: request.size)
            packed.span = AddressRange(start: min(packed.span.start, base), limit: max(packed.span.limit, piece.limit))
        }
        return packed
    }

    /// Where the first (largest-alignment) resource may anchor a block that no ECAM anchors: at the
    /// end of the hole with less slack (`allocateAtEnd`), the choice kept on a tie, then at every
    /// aligned place, start or (for a window with a tail) end, within reach of either end of the
    /// hole: 256 MiB plus everything there is to pack, for the block must start (or end) within
    /// 256 MiB of it so that the free rest stays in one piece. At most 64 places per end.
    static func anchors(_ first: Request, allocator: RangeAllocator, hole: AddressRange, total: UInt64) -> [UInt64] {
        var atEnd = allocator
        let preferred = atEnd.allocateAtEnd(size: first.size, alignment: first.alignment).map { [$0] } ?? []
        let reach = min(hole.size, FixedRanges.ecamAlignment + total)
        let step = max(first.alignment, alignUp(reach / 64, first.alignment))
        let ends = [AddressRange(start: hole.start, size: reach), AddressRange(start: hole.limit - reach, limit: hole.limit)]
        return preferred + ends.flatMap {
            allocator.places(size: first.size, alignment: first.alignment, endAligned: first.mayAlignEnd, in: $0, step: step)
        }
    }

    /// Largest alignment first; of equal alignment, those whose size is a multiple of it first:
    /// packed upward they leave the next place aligned, where a window with a smaller tail
    /// (256 MiB + 1 MiB) would leave a gap before the next 256 MiB-aligned piece.
    static func denseOrder(_ a: Request, _ b: Request) -> Bool {
        let (aWhole, bWhole) = (a.size % a.alignment == 0, b.size % b.alignment == 0)
        if a.alignment == b.alignment && aWhole != bWhole { return aWhole }
        return placementOrder(a, b)
    }

    /// QEMU's hole is where its RAM split puts it, and so is Xen's when mmio_hole is given. Otherwise
    /// the toolstack tries holes from the smallest up, each starting on a 256 MiB boundary so the
    /// ECAM can sit first in it, down to the largest hole Xen accepts.
    static func candidateHoleStarts(_ config: MachineConfig) throws(LayoutError) -> [UInt64] {
        let fixedStart = config.mmio.hole.map { FixedRanges.fourGiB - $0 }
        if config.vmm == .qemu {
            return [MemoryPlacement.qemuLowRAM(memory: config.guestRAM, maxRAMBelow4G: fixedStart)]
        }
        if let fixedStart { return [fixedStart] }
        var highest = MemoryPlacement.holeLimit(.xen) - FixedRanges.ecamAlignment / 4
        if let base = config.ecam.base, base < FixedRanges.fourGiB { highest = min(highest, base) }
        highest = alignDown(highest, FixedRanges.ecamAlignment)
        return Array(stride(from: highest, through: MemoryPlacement.xenLowestHoleStart, by: -Int(FixedRanges.ecamAlignment)))
    }

    /// The ECAM window, checked against RAM: a toolstack cannot put it where the guest has memory.
    /// nil when the automatic place runs past the hole (a larger hole may still work).
    /// The automatic place is the first 256 MiB boundary of the hole where it overlaps no fixed
    /// range (a given base that does is IdentityConflicts' to report).
    static func ecamWindow(_ config: MachineConfig, hole: AddressRange, lowRAMEnd: UInt64,
                           avoiding fixed: [AddressRange] = []) throws(LayoutError) -> AddressRange? {
        let size = config.ecam.size
        var base = config.ecam.base ?? alignUp(hole.start, FixedRanges.ecamAlignment)
        while config.ecam.base == nil, base < hole.limit, fixed.contains(where: { $0.overlaps(AddressRange(start: base, size: size)) }) {
            base += FixedRanges.ecamAlignment
        }
        let window = AddressRange(start: base, size: size)
        // Fixed ranges can push the automatic place past the hole: then there is none in it.
        if config.ecam.base == nil && window.limit > hole.limit { return nil }
        let highRAM = config.guestRAM > lowRAMEnd
            ? AddressRange(start: FixedRanges.fourGiB, size: config.guestRAM - lowRAMEnd) : nil
        let accepted = "a 256M-aligned base in the 32-bit hole \(hole) or above high RAM"
        if base < lowRAMEnd || highRAM.map(window.overlaps) == true {
            throw .conflictingInput(field: "ecam.base", value: hex(base),
                                    problem: "the ECAM \(window) overlaps RAM (low RAM ends at \(hex(lowRAMEnd))\(highRAM.map { ", high RAM is \($0)" } ?? ""))",
                                    accepted: accepted)
        }
        if base < FixedRanges.fourGiB && window.limit > hole.limit {
            if config.ecam.base != nil {
                throw .conflictingInput(field: "ecam.base", value: hex(base),
                                        problem: "the ECAM \(window) runs past the end of the PCI hole at \(hex(hole.limit))",
                                        accepted: accepted)
            }
            return nil
        }
        return window
    }

    static func placeHigh(_ high: [Request], into assignment: inout MemoryAssignment, skipping fixed: [AddressRange] = []) throws(LayoutError) {
        guard !high.isEmpty else { return }
        let needed = high.reduce(0) { $0 + $1.size }
        guard let window = assignment.mmio64 else {
            throw .window64TooSmall(needed: needed, available: 0, misfits: high.map(LayoutError.Misfit.init))
        }
        var allocator = RangeAllocator([window], discipline: .firstFit, skipping: fixed)
        var misfits: [LayoutError.Misfit] = []
        for request in high.sorted(by: placementOrder) {
            if let address = allocator.allocate(size: request.size, alignment: request.alignment) {
                assignment.addresses[request.owner] = address
            } else {
                misfits.append(LayoutError.Misfit(request))
            }
        }
        if !misfits.isEmpty {
            throw LayoutError.allocationFailure(space: "64-bit window", window: window, needed: needed, available: window.size,
                                                misfits: misfits) { .window64TooSmall(needed: $0, available: $1, misfits: $2) }
        }
    }
}
