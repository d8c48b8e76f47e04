import VMConfig

/// The conflicts of identity placement (`placement = "identity"`): a BAR kept at its host
/// address, and a window fixed around such BARs, may not overlap another fixed one, RAM, the
/// ECAM or a chipset range, and must lie where the host bridge decodes (the 32-bit hole, the
/// 64-bit window, PCI I/O space). Each is a LayoutError (exit 1) naming both parties with their ranges.
enum IdentityConflicts {
    /// Where packing around fixed resources may search; what ends past 2^phys_bits is refused later.
    static let searchLimit: UInt64 = 1 << 63
    static let ioLimit: UInt64 = 0x1_0000

    /// Before anything is sized: every identity BAR inside the guest's address space, so that
    /// the arithmetic on its range cannot overflow.
    static func addressable(_ topology: Topology, physBits: Int) throws(LayoutError) {
        let endpoints = topology.rootEndpoints + topology.bridges.flatMap(\.allEndpoints)
        for endpoint in endpoints {
            for bar in endpoint.bars {
                guard let address = endpoint.identity[bar.index] else { continue }
                let limit = bar.kind == .io ? ioLimit : UInt64(1) << physBits
                guard address < limit, bar.size <= limit - address else {
                    let name = "\(endpoint.id) BAR \(bar.index) \(bar.kind.rawValue)"
                    let range = address <= UInt64.max - (bar.size - 1) ? "[\(hex(address))-\(hex(address + (bar.size - 1)))]" : "at \(hex(address))"
                    throw .identityConflict(resource: name, range: nil, problem: "at \(range) lies outside \(bar.kind == .io ? "PCI I/O space [0x0-0xffff]" : "the guest's address space [0x0-\(hex(limit - 1))] (2^phys_bits; phys_bits = \(physBits))"), which no policy can cover")
                }
            }
        }
    }

    /// No two fixed resources of one space (memory or I/O) overlap.
    static func disjoint(_ requests: [Request]) throws(LayoutError) {
        for space in [requests.filter(\.isIO), requests.filter { !$0.isIO }] {
            let sorted = space.sorted {
                $0.fixedRange!.start != $1.fixedRange!.start ? $0.fixedRange!.start < $1.fixedRange!.start : $0.owner.precedes($1.owner)
            }
            for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.fixedRange!.overlaps(next.fixedRange!) {
                throw .identityConflict(resource: previous.identityName, range: previous.fixedRange,
                                        problem: "overlaps \(next.identityName) \(next.fixedRange!)")
            }
        }
    }

    /// On the finished plan: every fixed resource on bus 0 (those behind bridges lie in their
    /// fixed windows) against RAM, the ECAM, the chipset's ranges and the host bridge's windows.
    static func check(_ plan: Plan) throws(LayoutError) {
        for (name, range, isIO) in topLevel(plan) {
            if isIO {
                let legacy = AddressRange(start: 0, limit: plan.windows.io.start)
                if range.overlaps(legacy) { throw .identityConflict(resource: name, range: range, problem: "overlaps the legacy and chipset I/O ports \(legacy)") }
                if !plan.windows.io.contains(range) { throw .identityConflict(resource: name, range: range, problem: "lies outside PCI I/O space \(plan.windows.io)") }
                continue
            }
            for (other, otherRange) in occupied(plan) where range.overlaps(otherRange) {
                throw .identityConflict(resource: name, range: range, problem: "overlaps \(other) \(otherRange)")
            }
            let decoded = plan.windows.mmio32Ranges + [plan.windows.mmio64].compactMap { $0 }
            if !decoded.contains(where: { $0.contains(range) }) {
                let windows = (plan.windows.mmio32Ranges.map { "the 32-bit window \($0)" } + [plan.windows.mmio64].compactMap { $0 }.map { "the 64-bit window \($0)" })
                throw .identityConflict(resource: name, range: range, problem: "lies outside what the host bridge decodes: \(windows.joined(separator: ", "))")
            }
        }
    }

    /// What no BAR may overlap, with the names the messages use.
    static func occupied(_ plan: Plan) -> [(String, AddressRange)] {
        var ranges: [(String, AddressRange)] = [("low RAM", AddressRange(start: 0, limit: plan.memory.lowRAMEnd))]
        if let high = plan.memory.highRAM { ranges.append(("high RAM", high)) }
        if let ecam = plan.ecam { ranges.append(("the ECAM", ecam.range)) }
        ranges += [("the IOAPIC", AddressRange(start: FixedRanges.ioapic, size: FixedRanges.ioapicSize)),
                   ("the HPET", AddressRange(start: FixedRanges.hpet, size: FixedRanges.hpetSize)),
                   ("the LAPIC", AddressRange(start: FixedRanges.lapic, size: FixedRanges.lapicSize)),
                   ("the firmware ROM", plan.memory.firmwareROM)]
        if plan.vmm == .xen {
            ranges.append(("Xen's reserved range (ACPI tables, its own pages)", AddressRange(start: FixedRanges.xenReservedStart, limit: FixedRanges.fourGiB)))
        }
        return ranges
    }

    /// Bus 0's identity BARs (memory BARs as their pages) and fixed bridge windows.
    static func topLevel(_ plan: Plan) -> [(name: String, range: AddressRange, isIO: Bool)] {
        plan.functions.filter { $0.bdf.bus == 0 }.flatMap { function in
            let bars = function.bars.filter(\.isFixed).compactMap { bar -> (String, AddressRange, Bool)? in
                guard let range = bar.range else { return nil }
                let pages = bar.kind == .io ? range
                    : AddressRange(start: alignDown(range.start, Units.page), limit: alignUp(range.limit, Units.page))
                return ("\(function.id) BAR \(bar.index) \(bar.kind.rawValue)", pages, bar.kind == .io)
            }
            let windows = function.windows.map { windows in
                [("io", windows.io), ("mem", windows.mem), ("pref", windows.pref)].compactMap { kind, range -> (String, AddressRange, Bool)? in
                    guard let range, windows.fixed.contains(kind) else { return nil }
                    return ("\(function.id) \(kind)-window (holding identity BARs)", range, kind == "io")
                }
            } ?? []
            return bars + windows
        }
    }
}

extension Request {
    /// How a conflict message names it.
    var identityName: String {
        switch owner {
        case .bar(let id, let index): "\(id) BAR \(index) \(kindName)"
        case .window(let id, let kind): "\(id) \(kind.rawValue) (holding identity BARs)"
        case .ecam: "the ECAM"
        }
    }
}

extension Topology.Bridge {
    /// The endpoints of this bridge's whole subtree.
    var allEndpoints: [Topology.Endpoint] { endpoints + bridges.flatMap(\.allEndpoints) }
}
