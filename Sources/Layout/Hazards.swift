import VMConfig

/// Reads a finished plan for the choices that would hurt a guest. Derived from the plan alone,
/// so whatever policy made it, the list says what is really there.
enum Hazards {
    static func find(in plan: Plan) -> [Hazard] {
        sharedPages(plan) + ecam(plan) + unprogrammedIO(plan) + relocatedRAM(plan)
    }

    /// Memory BARs of different functions on one 4 KiB page: a passthrough device's BAR is
    /// mapped by pages, so its neighbour's registers would be mapped into the guest with it.
    static func sharedPages(_ plan: Plan) -> [Hazard] {
        var owners: [UInt64: Set<String>] = [:]
        for function in plan.functions {
            for bar in function.bars where bar.kind.isMemory {
                guard let range = bar.range else { continue }
                // BARs do not overlap, so only a BAR's first and last pages can hold another's bytes.
                for page in Set([range.start / Units.page, range.end / Units.page]) {
                    owners[page, default: []].insert(function.id)
                }
            }
        }
        let groups = Set(owners.values.filter { $0.count > 1 }.map { $0.sorted() })
        return groups.sorted { $0.lexicographicallyPrecedes($1) }.map { ids in
            let pages = owners.filter { $0.value.sorted() == ids }.keys.sorted()
            return Hazard(kind: .sharedPage, ids: ids,
                          detail: "\(ids.joined(separator: " and ")) have memory BARs on the same 4K page\(pages.count > 1 ? "s" : "") \(pages.map { hex($0 * Units.page) }.joined(separator: ", ")): passing one of them through maps the other's registers into the guest")
        }
    }

    static func ecam(_ plan: Plan) -> [Hazard] {
        guard let ecam = plan.ecam else { return [] }
        var hazards: [Hazard] = []
        if ecam.base % FixedRanges.ecamAlignment != 0 {
            hazards.append(Hazard(kind: .ecamMisaligned, ids: ["ecam"],
                                  detail: "the ECAM at \(hex(ecam.base)) is aligned to its own size, not to 256M: stock QEMU's PCIEXBAR masks decode it at \(hex(alignDown(ecam.base, FixedRanges.ecamAlignment)))"))
        }
        // Only hvmloader's ECAM above 4G is the series' accident; a toolstack that fixes one there
        // reserves it and keeps every window clear of it, and the firmware programs it.
        if ecam.base >= FixedRanges.fourGiB && plan.policy == .hvmloader {
            hazards.append(Hazard(kind: .ecamAbove4G, ids: ["ecam"],
                                  detail: "the ECAM was sent above 4G to \(hex(ecam.base)): the series' pseudo-entry inherits the 64-bit flag of the BAR it displaced in the list"))
        }
        return hazards
    }

    static func unprogrammedIO(_ plan: Plan) -> [Hazard] {
        let ids = plan.unassigned.filter { $0.kind == BARKind.io.rawValue && $0.bar != nil }.map(\.id)
        guard !ids.isEmpty else { return [] }
        let unique = Array(Set(ids)).sorted()
        return [Hazard(kind: .ioUnprogrammed, ids: unique,
                       detail: "I/O BARs of \(unique.joined(separator: ", ")) are left unprogrammed: 0xC000-0xFFFF, all the I/O space hvmloader uses, holds no more")]
    }

    static func relocatedRAM(_ plan: Plan) -> [Hazard] {
        guard plan.memory.relocatedRAM > 0 else { return [] }
        return [Hazard(kind: .ramRelocated, ids: ["ram"],
                       detail: "\(Quantity.format(plan.memory.relocatedRAM)) of RAM moved above 4G to grow the hole to \(hex(plan.memory.hole.start)); QEMU's view of guest memory (qemu-xen) does not follow such a move")]
    }
}
