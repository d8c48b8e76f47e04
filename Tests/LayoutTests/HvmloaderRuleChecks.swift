import Layout
import VMConfig

/// The rules of hvmloader's pci_setup() (REFERENCE.md, tools/firmware/hvmloader/pci.c) checked on
/// a finished plan, resource by resource, without running guestfw's allocator: written from the
/// rules, not from the code that implements them.
extension InvariantChecks {
    static func hazardChecks(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var out: [String] = []
        let listed = { (kind: Hazard.Kind) in plan.hazards.filter { $0.kind == kind } }
        // Pages holding bytes of memory BARs of two or more functions.
        var owners: [UInt64: Set<String>] = [:]
        for f in plan.functions {
            // Identity BARs are not in hvmloader's list: they are taken before it runs.
            for bar in f.bars where bar.kind != .io && !bar.isFixed {
                guard let range = bar.range else { continue }
                owners[range.start >> 12, default: []].insert(f.id)
                owners[(range.limit - 1) >> 12, default: []].insert(f.id)
            }
        }
        let shared = Set(owners.values.filter { $0.count > 1 })
        if shared != Set(listed(.sharedPage).map { Set($0.ids) }) {
            out.append("[hazard shared-page] pages shared by \(shared.map { $0.sorted() }.sorted { $0.lexicographicallyPrecedes($1) }) but listed \(listed(.sharedPage).map(\.ids))")
        }
        let misaligned = plan.ecam.map { $0.base % ecamAlignment != 0 } ?? false
        if misaligned != !listed(.ecamMisaligned).isEmpty {
            out.append("[hazard ecam-misaligned] ECAM \(plan.ecam.map { hex($0.base) } ?? "none"), listed \(!listed(.ecamMisaligned).isEmpty)")
        }
        let high = plan.policy == .hvmloader && (plan.ecam.map { $0.base >= fourGiB } ?? false)
        if high != !listed(.ecamAbove4G).isEmpty {
            out.append("[hazard ecam-above-4g] ECAM \(plan.ecam.map { hex($0.base) } ?? "none"), listed \(!listed(.ecamAbove4G).isEmpty)")
        }
        let io = Set(plan.unassigned.filter { $0.kind == "io" && $0.bar != nil }.map(\.id))
        if io != Set(listed(.ioUnprogrammed).flatMap(\.ids)) {
            out.append("[hazard io-unprogrammed] unprogrammed I/O of \(io.sorted()), listed \(listed(.ioUnprogrammed).map(\.ids))")
        }
        if (plan.memory.relocatedRAM > 0) != !listed(.ramRelocated).isEmpty {
            out.append("[hazard ram-relocated] relocatedRam \(hex(plan.memory.relocatedRAM)), listed \(!listed(.ramRelocated).isEmpty)")
        }
        if !faithfulXen(plan) && (!listed(.sharedPage).isEmpty || !listed(.ecamMisaligned).isEmpty) {
            out.append("[hazard] a \(plan.vmm.rawValue)/\(plan.policy.rawValue) plan lists hazards only hvmloader on Xen may have")
        }
        if plan.policy == .hvmloader { out += hvmloaderRules(plan, config) + extensionMarks(plan) }
        return out
    }

    /// Everything hvmloader does not place (behind a bridge, and the bridges' windows) is marked,
    /// and nothing it places is.
    static func extensionMarks(_ plan: Plan) -> [String] {
        var out: [String] = []
        for f in plan.functions {
            for bar in f.bars where bar.isExtension != (f.bdf.bus != 0) {
                out.append("[hvmloader extension] \(name(f, bar)) marked \(bar.isExtension) on bus \(f.bdf.bus)")
            }
            if let windows = f.windows, !windows.isExtension { out.append("[hvmloader extension] \(name(f)) windows not marked") }
        }
        return out
    }

    struct ListEntry {
        var name: String
        var size: UInt64
        var scan: Int
        var isECAM: Bool
        var is64: Bool
        var range: AddressRange?
    }

    /// hvmloader's list of bus 0 memory resources in its order: largest first, equal sizes in scan
    /// order (devfn, then BAR index with the ROM as 6), the ECAM after every entry not smaller.
    static func hvmloaderList(_ plan: Plan, _ config: MachineConfig) -> [ListEntry] {
        let platformApart = plan.vmm == .xen && !config.xen.platformPCIBarUC
        var entries: [ListEntry] = []
        for f in plan.functions where f.bdf.bus == 0 {
            if platformApart && f.vendorID == 0x5853 { continue }
            // Identity BARs are not in hvmloader's list: they are taken before it runs.
            for bar in f.bars where bar.kind != .io && !bar.isFixed {
                // On QEMU guestfw gives a sub-page BAR a page of its own, and sorts it as one.
                let size = plan.vmm == .xen ? bar.size : max(bar.size, 4096)
                entries.append(ListEntry(name: name(f, bar), size: size, scan: (f.bdf.device * 8 + f.bdf.function) * 8 + bar.index,
                                         isECAM: false, is64: bar.kind == .mem64, range: bar.range))
            }
        }
        entries.sort { $0.size != $1.size ? $0.size > $1.size : $0.scan < $1.scan }
        let ecamSize = UInt64(config.ecam.buses) << 20
        let at = entries.firstIndex { $0.size < ecamSize } ?? entries.count
        entries.insert(ListEntry(name: "ECAM", size: ecamSize, scan: .max, isECAM: true, is64: false, range: plan.ecam?.range), at: at)
        return entries
    }

    static func hvmloaderRules(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var out: [String] = []
        let exact = faithfulXen(plan)
        let list = hvmloaderList(plan, config)
        let highRAMEnd = fourGiB + (plan.memory.highRAM?.size ?? 0)
        // A bump allocator in list order: addresses only grow, below and above 4 GiB alike.
        var lastLow: UInt64 = 0, lastHigh: UInt64 = 0
        for entry in list {
            guard let range = entry.range else { continue }
            let alignment = entry.isECAM && !exact ? ecamAlignment : (exact ? entry.size : max(entry.size, 4096))
            if range.start % alignment != 0 { out.append("[hvmloader align] \(entry.name) at \(hex(range.start)) not aligned to \(hex(alignment))") }
            if range.start >= fourGiB {
                if range.start < max(lastHigh, highRAMEnd) { out.append("[hvmloader order] \(entry.name) at \(hex(range.start)) is below the previous high resource or high RAM's end \(hex(highRAMEnd))") }
                lastHigh = range.limit
            } else {
                if range.start < lastLow { out.append("[hvmloader order] \(entry.name) at \(hex(range.start)) is below the previous low resource's end \(hex(lastLow))") }
                if range.start < plan.memory.hole.start { out.append("[hvmloader hole] \(entry.name) below the hole") }
                lastLow = range.limit
            }
            if entry.is64 && entry.size > 1 << 30 && range.start < fourGiB {
                out.append("[hvmloader high] \(entry.name) is a 64-bit BAR over 1G below 4G")
            }
        }
        if exact {
            var lastIO: UInt64 = 0
            var io: [(scan: Int, bar: PlannedBAR)] = []
            for f in plan.functions where f.bdf.bus == 0 {
                // Identity I/O BARs are where the host put them, outside hvmloader's allocation.
                for bar in f.bars where bar.kind == .io && !bar.isFixed {
                    io.append((scan: (f.bdf.device * 8 + f.bdf.function) * 8 + bar.index, bar: bar))
                }
            }
            io.sort { (a: (scan: Int, bar: PlannedBAR), b: (scan: Int, bar: PlannedBAR)) -> Bool in
                a.bar.size != b.bar.size ? a.bar.size > b.bar.size : a.scan < b.scan
            }
            for (_, bar) in io {
                guard let range = bar.range else { continue }
                if range.start < 0xC000 || range.limit > 0x1_0000 { out.append("[hvmloader io] I/O BAR at \(range) outside 0xC000-0xFFFF") }
                if range.start < lastIO { out.append("[hvmloader io order] I/O BAR at \(range) below the previous one") }
                lastIO = range.limit
            }
        }
        return out
    }
}
