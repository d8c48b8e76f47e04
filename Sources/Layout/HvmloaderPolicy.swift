import VMConfig

/// Placement as boot firmware decides it, following Xen's hvmloader: the ECAM and the BARs share
/// the low hole, allocated upward from its start, largest first (so the ECAM may land between
/// BARs, splitting the 32-bit window in two); a 64-bit resource goes above
/// 4 GiB when it is larger than 1 GiB or when what is left no longer fits below. On xen the hole
/// first grows by doubling from 0xF0000000 while the total size exceeds it, into RAM only when
/// allowed. Like hvmloader it compares sizes, not alignments: a hole the total fits in can still
/// leave an aligned resource (even the ECAM) without a place. Whatever does not fit stays
/// unassigned, as hvmloader leaves it, and `build` refuses the plan.
enum HvmloaderPolicy {
    static let alwaysHighAbove: UInt64 = Units.giB

    static func place(_ config: MachineConfig, requests: [Request]) throws(LayoutError) -> MemoryAssignment {
        let ecamRequest = Request(owner: .ecam, size: config.ecam.size, alignment: FixedRanges.ecamAlignment,
                                  canGoHigh: false, kindName: "ecam")
        let all = requests + [ecamRequest]
        let total = all.reduce(0) { $0 + $1.size }
        let (holeStart, lowRAMEnd, relocated) = hole(config, total: total)
        let hole = AddressRange(start: holeStart, limit: MemoryPlacement.holeLimit(config.vmm))
        let highRAMLimit = FixedRanges.fourGiB + (config.memory - lowRAMEnd)
        let mmio64 = try MemoryPlacement.window64(config: config, aboveRAM: highRAMLimit, ecam: nil,
                                              highDemand: requests.filter(\.canGoHigh))
        var assignment = MemoryAssignment(lowRAMEnd: lowRAMEnd, relocatedRAM: relocated, hole: hole, ecam: nil,
                                          mmio32: [hole], mmio64: mmio64)
        if config.ecam.base != nil {
            assignment.warnings.append("ecam.base is ignored by the hvmloader policy: firmware places the ECAM at boot")
        }
        allocate(all, into: &assignment, total: total)
        assignment.ecam = assignment.addresses.removeValue(forKey: .ecam).map { AddressRange(start: $0, size: config.ecam.size) }
        assignment.mmio32 = MemoryPlacement.mmio32(hole: hole, ecam: assignment.ecam)
        return assignment
    }

    /// hvmloader's hole: QEMU's is fixed by its RAM split; Xen's starts at 0xF0000000 (or where
    /// mmio_hole puts it) and doubles while the total does not fit and the next start is clear of
    /// RAM, unless RAM may be relocated. Doubling stops at 0x80000000, as hvmloader's shift does.
    static func hole(_ config: MachineConfig, total: UInt64) -> (start: UInt64, lowRAMEnd: UInt64, relocated: UInt64) {
        let fixedStart = config.mmio.hole.map { FixedRanges.fourGiB - $0 }
        if config.vmm == .qemu {
            let low = MemoryPlacement.qemuLowRAM(memory: config.memory, maxRAMBelow4G: fixedStart)
            return (low, low, 0)
        }
        let limit = MemoryPlacement.holeLimit(.xen)
        var start = fixedStart ?? 0xF000_0000
        let lowRAMEnd = min(config.memory, start)
        if fixedStart == nil {
            while total > limit - start {
                let next = (start << 1) & 0xFFFF_FFFF
                guard next != 0, config.mmio.relocateRAM || next >= lowRAMEnd else { break }
                start = next
            }
        }
        let relocated = lowRAMEnd > start ? lowRAMEnd - start : 0
        return (start, lowRAMEnd - relocated, relocated)
    }

    static func allocate(_ requests: [Request], into assignment: inout MemoryAssignment, total: UInt64) {
        var low = RangeAllocator([assignment.hole], discipline: .bump)
        var high = RangeAllocator(assignment.mmio64.map { [$0] } ?? [], discipline: .bump)
        var remaining = total
        for request in requests.sorted(by: placementOrder) {
            let goesHigh = request.canGoHigh && (request.size > alwaysHighAbove || remaining > low.available)
            let address = goesHigh
                ? high.allocate(size: request.size, alignment: request.alignment)
                : low.allocate(size: request.size, alignment: request.alignment)
            remaining -= request.size
            if let address {
                assignment.addresses[request.owner] = address
            } else {
                assignment.unassigned.append(request)
            }
        }
    }
}
