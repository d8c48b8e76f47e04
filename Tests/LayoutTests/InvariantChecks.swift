import Layout
import VMConfig

/// The invariants of DESIGN.md ("Invariants every Plan ... must satisfy") and the placement rules
/// of the planner's doc comments, checked on a finished Plan (or on a LayoutError) from the
/// description alone. Nothing here calls the planner's helpers: every expected value is derived
/// again from MachineConfig, the catalog (what the hardware presents) and the platform facts of
/// REFERENCE.md.
///
/// Each check returns violation strings "[tag] what, where, addresses"; the tag starts with the
/// invariant number of DESIGN.md (1-7), or names the rule it comes from (bus, reserve, ram,
/// policy, topology, unassigned, err).
enum InvariantChecks {
    static let kiB: UInt64 = 1 << 10
    static let miB: UInt64 = 1 << 20
    static let giB: UInt64 = 1 << 30
    static let fourGiB: UInt64 = 1 << 32
    static let page: UInt64 = 4 << 10

    // Platform facts (REFERENCE.md), written out here rather than read from the planner.
    static let ioapic = AddressRange(start: 0xFEC0_0000, size: 0x1000)
    static let hpet = AddressRange(start: 0xFED0_0000, size: 0x400)
    static let lapic = AddressRange(start: 0xFEE0_0000, size: 0x10_0000)
    static let legacy = AddressRange(start: 0x9_FC00, limit: 0x10_0000)  // EBDA, VGA, option ROMs, BIOS
    // Xen (hvmloader e820.c, build_e820_table): RAM to 0xA0000, nothing or reserved up to 1 MiB;
    // the acpi_info page at 0xFC000000 (config.h) and the tables below 0xFC100000.
    static let xenLegacy = AddressRange(start: 0xA_0000, limit: 0x10_0000)
    static let xenACPIStart: UInt64 = 0xFC00_0000
    static let xenACPILimit: UInt64 = 0xFC10_0000
    static func legacy(_ vmm: VMMKind) -> AddressRange { vmm == .xen ? xenLegacy : legacy }
    static let xenReserved = AddressRange(start: 0xFC00_0000, limit: 1 << 32)
    static let qemuHoleLimit: UInt64 = 0xFEC0_0000
    static let xenHoleLimit: UInt64 = 0xFC00_0000
    static let ioSpace = AddressRange(start: 0x1000, limit: 0x1_0000)
    /// hvmloader hands out I/O from 0xC000 only (pci_setup's io_resource).
    static let hvmloaderIOSpace = AddressRange(start: 0xC000, limit: 0x1_0000)

    static func ioSpace(vmm: VMMKind, policy: PlacementPolicy) -> AddressRange {
        vmm == .xen && policy == .hvmloader ? hvmloaderIOSpace : ioSpace
    }
    static let ecamLimit: UInt64 = 64 << 30
    static let ecamAlignment: UInt64 = 256 << 20
    static let defaultHotplug = (io: UInt64(0x1000), mem: UInt64(2 << 20), pref: UInt64(2 << 20))
    static let maxMessagesPerCheck = 12

    /// Every check for a plan the planner produced.
    static func check(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var violations: [String] = []
        violations += topology(plan, config)
        violations += memoryOverlaps(plan)
        violations += ioSpaceChecks(plan)
        violations += alignment(plan)
        violations += bridgeWindows(plan)
        violations += ecam(plan, config)
        violations += hostWindows(plan)
        violations += e820(plan)
        violations += busNumbers(plan, config)
        violations += reservations(plan, config)
        violations += ramAccounting(plan, config)
        violations += policyRules(plan, config)
        violations += unassignedConsistency(plan)
        violations += refusedBases(plan, config)
        violations += acpiLayout(plan)
        violations += policyAgainstDemand(plan, config)
        violations += hazardChecks(plan, config)
        violations += treeContainment(plan)
        violations += identityPlacement(plan, config)
        return violations
    }

    /// `placement = "identity"`: every BAR the description fixes is at exactly that address and
    /// marked fixed; no other BAR is marked fixed.
    static func identityPlacement(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var out: [String] = []
        let wanted = Dictionary(uniqueKeysWithValues: config.devices.map { ($0.id, $0.identityAddresses) })
        for f in plan.functions {
            for bar in f.bars {
                let address = wanted[f.id]?[bar.index]
                if let address, bar.address != address {
                    out.append("[identity] \(name(f, bar)) at \(bar.address.map(hex) ?? "nothing"), its host address is \(hex(address))")
                }
                if bar.isFixed != (address != nil) {
                    out.append("[identity] \(name(f, bar)) marked fixed = \(bar.isFixed), description says \(address != nil)")
                }
            }
        }
        return capped(out)
    }

    /// The ranges "[0x..-0x..]" a message names, in order.
    static func ranges(in text: String) -> [AddressRange] {
        text.split(separator: "[").dropFirst().compactMap { piece in
            guard let close = piece.firstIndex(of: "]") else { return nil }
            let bounds = piece[..<close].split(separator: "-")
            guard bounds.count == 2, bounds.allSatisfy({ $0.hasPrefix("0x") }),
                  let start = UInt64(bounds[0].dropFirst(2), radix: 16), let end = UInt64(bounds[1].dropFirst(2), radix: 16),
                  end >= start, end < UInt64.max else { return nil }
            return AddressRange(start: start, limit: end + 1)
        }
    }

    /// An identity conflict proves itself: the description has identity devices, and the two
    /// ranges it names overlap (or the resource is outside every window it names).
    static func checkIdentityConflict(_ config: MachineConfig, range: AddressRange?, problem: String) -> (violations: [String], confirmation: String) {
        guard config.devices.contains(where: { !$0.identityAddresses.isEmpty }) else {
            return (["[err identity] identityConflict without an identity device: \(problem)"], "unconfirmed")
        }
        let named = ranges(in: problem)
        if problem.hasPrefix("overlaps") {
            guard let range, let other = named.last, range.overlaps(other) else {
                return (["[err identity] says \(range.map(\.description) ?? "?") \(problem), but they do not overlap"], "unconfirmed")
            }
            return ([], "identity overlap")
        }
        if problem.hasPrefix("lies outside") {
            guard let range, !named.contains(where: { $0.contains(range) }) else {
                return (["[err identity] says \(range.map(\.description) ?? "?") \(problem), but a named window contains it"], "unconfirmed")
            }
            return ([], "identity outside")
        }
        return ([], "identity: " + String(problem.prefix(20)))
    }

    /// hvmloader on Xen reproduces hvmloader exactly: sub-page BARs share pages and the ECAM is
    /// aligned to its own size; each such choice must then be listed as a hazard instead.
    static func faithfulXen(_ plan: Plan) -> Bool { plan.vmm == .xen && plan.policy == .hvmloader }

    // MARK: - Naming

    static func name(_ f: PlannedFunction) -> String { "\(f.bdf) \(f.id)" }

    static func name(_ f: PlannedFunction, _ bar: PlannedBAR) -> String {
        "\(f.bdf) \(f.id) BAR\(bar.index) \(bar.kind.rawValue)\(bar.prefetchable ? " pref" : "") size \(hex(bar.size))"
    }

    static func capped(_ messages: [String]) -> [String] {
        guard messages.count > maxMessagesPerCheck else { return messages }
        let last = messages[maxMessagesPerCheck - 1]
        let tag = last.first == "[" ? String(last[...(last.firstIndex(of: "]") ?? last.startIndex)]) : ""
        return Array(messages.prefix(maxMessagesPerCheck)) + ["\(tag) (\(messages.count - maxMessagesPerCheck) more like these)"]
    }

    // MARK: - Overlap sweep

    struct Item {
        enum Category { case fixed, ram, decided }
        /// Names are built only for a report (string work dominates a debug build otherwise).
        enum Label {
            case text(String)
            case bar(PlannedFunction, PlannedBAR)
            case window(PlannedFunction, String)
        }
        var label: Label
        var range: AddressRange
        var category: Category

        init(name: String, range: AddressRange, category: Category) {
            self.init(label: .text(name), range: range, category: category)
        }

        init(label: Label, range: AddressRange, category: Category) {
            self.label = label
            self.range = range
            self.category = category
        }

        var name: String {
            switch label {
            case .text(let text): text
            case .bar(let f, let bar): InvariantChecks.name(f, bar)
            case .window(let f, let kind): "\(InvariantChecks.name(f)) \(kind) window"
            }
        }
    }

    /// Every overlapping pair (fixed ranges may overlap each other: they are facts, not decisions).
    static func overlaps(_ items: [Item], tag: String) -> [String] {
        var out: [String] = []
        var active: [Item] = []
        for item in items.sorted(by: { ($0.range.start, $0.range.limit) < ($1.range.start, $1.range.limit) }) {
            active.removeAll { $0.range.limit <= item.range.start }
            for other in active where !(other.category == .fixed && item.category == .fixed) {
                out.append("[\(tag)] \(other.name) \(other.range) overlaps \(item.name) \(item.range)")
            }
            active.append(item)
        }
        return capped(out)
    }

    /// A memory BAR smaller than a page owns its whole page (invariant 2).
    static func extent(_ bar: PlannedBAR) -> AddressRange? {
        guard let range = bar.range else { return nil }
        guard bar.kind.isMemory, bar.size < page else { return range }
        let start = range.start / page * page
        return AddressRange(start: start, limit: max(start + page, (range.limit + page - 1) / page * page))
    }

    static func fixedRanges(_ plan: Plan) -> [Item] {
        var fixed = [
            Item(name: "IOAPIC", range: ioapic, category: .fixed),
            Item(name: "HPET", range: hpet, category: .fixed),
            Item(name: "LAPIC", range: lapic, category: .fixed),
            Item(name: "legacy area (EBDA, VGA, BIOS)", range: legacy(plan.vmm), category: .fixed),
            Item(name: "firmware ROM", range: plan.memory.firmwareROM, category: .fixed),
        ]
        // On Xen the ACPI tables are hvmloader's part of the reserved top: only what follows them is fixed.
        if plan.vmm == .xen {
            fixed.append(Item(name: "Xen reserved", range: AddressRange(start: plan.memory.acpiTables.limit, limit: xenReserved.limit), category: .fixed))
        }
        return fixed
    }

    static func isRootBus(_ f: PlannedFunction) -> Bool { f.bdf.bus == 0 }

    // MARK: - Invariant 1 (and the page rule of 2): memory space

    static func memoryOverlaps(_ plan: Plan) -> [String] {
        let exact = faithfulXen(plan)
        var top = fixedRanges(plan)
        top += plan.e820.filter { $0.type == .ram }.map { Item(name: "RAM (\($0.purpose))", range: $0.range, category: .ram) }
        top.append(Item(name: "ACPI tables", range: plan.memory.acpiTables, category: .decided))
        if let ecam = plan.ecam { top.append(Item(name: "ECAM", range: ecam.range, category: .decided)) }
        var bars: [Item] = []
        for f in plan.functions {
            for bar in f.bars where bar.kind.isMemory {
                guard let range = exact ? bar.range : extent(bar) else { continue }
                let item = Item(label: .bar(f, bar), range: range, category: .decided)
                bars.append(item)
                if isRootBus(f) { top.append(item) }
            }
            if f.kind.isBridge && isRootBus(f), let w = f.windows {
                if let mem = w.mem { top.append(Item(label: .window(f, "mem"), range: mem, category: .decided)) }
                if let pref = w.pref { top.append(Item(label: .window(f, "pref"), range: pref, category: .decided)) }
            }
        }
        return overlaps(top, tag: "1 overlap") + overlaps(bars, tag: "1 BAR overlap (small BARs as their 4K page, inv 2)")
    }

    // MARK: - Invariant 1 for I/O space

    static func ioSpaceChecks(_ plan: Plan) -> [String] {
        var out: [String] = []
        var top: [Item] = []
        var bars: [Item] = []
        for f in plan.functions {
            for bar in f.bars where bar.kind == .io {
                guard let range = bar.range else { continue }
                let item = Item(label: .bar(f, bar), range: range, category: .decided)
                bars.append(item)
                if isRootBus(f) { top.append(item) }
                if !plan.windows.io.contains(range) { out.append("[5 io] \(item.name) \(range) outside the host I/O window \(plan.windows.io)") }
            }
            if let io = f.windows?.io {
                if isRootBus(f) { top.append(Item(label: .window(f, "io"), range: io, category: .decided)) }
                if !plan.windows.io.contains(io) { out.append("[5 io] \(name(f)) io window \(io) outside the host I/O window \(plan.windows.io)") }
            }
        }
        if !ioSpace.contains(plan.windows.io) {
            out.append("[5 io] host I/O window \(plan.windows.io) is not inside PCI I/O space \(ioSpace)")
        }
        return capped(out) + overlaps(top, tag: "1 io overlap") + overlaps(bars, tag: "1 io BAR overlap")
    }

    // MARK: - Invariant 2: natural alignment

    static func alignment(_ plan: Plan) -> [String] {
        var out: [String] = []
        for f in plan.functions {
            for bar in f.bars {
                guard let address = bar.address else { continue }
                if address % bar.size != 0 {
                    out.append("[2 align] \(name(f, bar)) at \(hex(address)) is not aligned to its size")
                }
            }
        }
        return capped(out)
    }

    // MARK: - Invariant 3: bridge windows

    static func children(of port: PlannedFunction, byBus: [Int: [PlannedFunction]]) -> [PlannedFunction] {
        guard let secondary = port.secondaryBus, let subordinate = port.subordinateBus, secondary >= 1, subordinate >= secondary else { return [] }
        return (secondary...subordinate).flatMap { byBus[$0] ?? [] }
    }

    static func bridgeWindows(_ plan: Plan) -> [String] {
        var out: [String] = []
        for f in plan.functions {
            // 32-bit-only BARs below 4 GiB, wherever they are.
            for bar in f.bars where bar.kind == .mem32 || bar.kind == .rom {
                if let range = bar.range, range.limit > fourGiB {
                    out.append("[3 32-bit BAR above 4G] \(name(f, bar)) at \(range)")
                }
            }
        }
        let byBus = Dictionary(grouping: plan.functions, by: \.bdf.bus)
        for port in plan.functions where port.kind.isBridge {
            let w = (io: port.windows?.io, mem: port.windows?.mem, pref: port.windows?.pref)
            if let io = w.io, io.start % 0x1000 != 0 || io.size % 0x1000 != 0 {
                out.append("[3 granularity] \(name(port)) io window \(io) is not 4K granular")
            }
            for (label, window) in [("mem", w.mem), ("pref", w.pref)] {
                if let window, window.start % miB != 0 || window.size % miB != 0 {
                    out.append("[3 granularity] \(name(port)) \(label) window \(window) is not 1M granular")
                }
            }
            if let mem = w.mem, mem.limit > fourGiB {
                out.append("[3 mem window above 4G] \(name(port)) mem window \(mem) is a 32-bit window above 4G")
            }
            let children = children(of: port, byBus: byBus)
            for child in children {
                for bar in child.bars {
                    let (window, label): (AddressRange?, String)
                    switch bar.kind {
                    case .io: (window, label) = (w.io, "io")
                    case .mem64 where bar.prefetchable:
                        if let range = bar.range, let mem = w.mem, mem.contains(range) {
                            (window, label) = (mem, "mem")
                        } else {
                            (window, label) = (w.pref, "pref")
                        }
                    default: (window, label) = (w.mem, "mem")
                    }
                    guard let range = bar.range else {
                        if window != nil {
                            out.append("[3 child unplaced] \(name(child, bar)) has no address although \(name(port)) has its \(label) window \(window!)")
                        }
                        continue
                    }
                    guard let window else {
                        out.append("[3 containment] \(name(child, bar)) at \(range) but \(name(port)) has no \(label) window")
                        continue
                    }
                    if !window.contains(range) {
                        out.append("[3 containment] \(name(child, bar)) at \(range) is outside \(name(port))'s \(label) window \(window)")
                    }
                }
            }
            // Only 64-bit prefetchable BARs in a prefetchable window (nothing but the port's
            // children can be in it: the overlap checks and containment see to the rest).
            if let pref = w.pref {
                for f in children {
                    for bar in f.bars where bar.kind.isMemory {
                        if let range = bar.range, pref.overlaps(range), !(bar.kind == .mem64 && bar.prefetchable) {
                            out.append("[3 pref window content] \(name(f, bar)) at \(range) lies in \(name(port))'s pref window \(pref)")
                        }
                    }
                }
            }
        }
        return capped(out)
    }

    // MARK: - Invariant 4: ECAM

    static func ecam(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var out: [String] = []
        guard let ecam = plan.ecam else {
            if config.ecam.policy == .toolstack {
                out.append("[4 ecam] the toolstack plan has no ECAM")
            } else if !plan.unassigned.contains(where: { $0.kind == "ecam" }) {
                out.append("[4 ecam] no ECAM and no unassigned \"ecam\" entry")
            }
            return out
        }
        let buses = UInt64(config.ecam.buses)
        if ecam.size != buses << 20 { out.append("[4 ecam] size \(hex(ecam.size)) != \(buses) buses x 1M") }
        if faithfulXen(plan) {
            if ecam.base % ecam.size != 0 { out.append("[4 ecam] base \(hex(ecam.base)) is not aligned to its own size") }
        } else if ecam.base % ecamAlignment != 0 {
            out.append("[4 ecam] base \(hex(ecam.base)) is not 256M aligned")
        }
        let sentHigh = faithfulXen(plan) && plan.hazards.contains { $0.kind == .ecamAbove4G }
        if ecam.base + ecam.size > ecamLimit && !sentHigh { out.append("[4 ecam] \(ecam.range) is not below 64G") }
        if ecam.busStart != 0 || ecam.busEnd != config.ecam.buses - 1 || ecam.segment != 0 {
            out.append("[4 ecam] segment \(ecam.segment) buses \(ecam.busStart)-\(ecam.busEnd), expected segment 0 buses 0-\(config.ecam.buses - 1)")
        }
        if !plan.e820.contains(where: { $0.range == ecam.range && $0.type == .reserved }) {
            out.append("[4 ecam] no reserved E820 entry covers exactly the ECAM \(ecam.range)")
        }
        if config.ecam.policy == .toolstack, let base = config.ecam.base, ecam.base != base {
            out.append("[4 ecam] toolstack with ecam.base = \(hex(base)) put the ECAM at \(hex(ecam.base))")
        }
        // Toolstack rule without an explicit base: in the hole, packed with the 32-bit resources
        // (HoleDensityTests holds it to the density it is there for).
        if config.ecam.base == nil && config.ecam.policy == .toolstack && !plan.memory.hole.contains(ecam.range) {
            out.append("[policy ecam placement] ECAM \(ecam.range) outside the hole \(plan.memory.hole)")
        }
        return out
    }

    // MARK: - Invariant 5: host bridge windows

    static func hostWindows(_ plan: Plan) -> [String] {
        var out: [String] = []
        let w = plan.windows
        let addressLimit = UInt64(1) << UInt64(plan.physBits)
        let low = w.mmio32Ranges
        if low.isEmpty { out.append("[5 mmio32] no 32-bit window") }
        for (a, b) in zip(low, low.dropFirst()) where a.limit > b.start {
            out.append("[5 mmio32] 32-bit ranges \(a) and \(b) are not sorted and disjoint")
        }
        for range in low {
            if range.limit > fourGiB { out.append("[5 mmio32] \(range) is not below 4G") }
            if let ecam = plan.ecam, range.overlaps(ecam.range) {
                out.append("[5 mmio32 vs ECAM] mmio32 range \(range) overlaps the ECAM \(ecam.range)")
            }
        }
        if let mmio64 = w.mmio64 {
            if mmio64.limit > addressLimit {
                out.append("[5 mmio64 beyond phys_bits] mmio64 \(mmio64) ends past 2^\(plan.physBits) = \(hex(addressLimit))")
            }
            if mmio64.start < fourGiB { out.append("[5 mmio64] \(mmio64) starts below 4G") }
            if let ecam = plan.ecam, mmio64.overlaps(ecam.range), !(faithfulXen(plan) && plan.hazards.contains { $0.kind == .ecamAbove4G }) { out.append("[5 mmio64 vs ECAM] mmio64 \(mmio64) overlaps the ECAM \(ecam.range)") }
        }
        // _CRS windows never cover RAM or the fixed chipset ranges.
        for entry in plan.e820 where entry.type == .ram {
            for range in low where range.overlaps(entry.range) { out.append("[5 window vs RAM] mmio32 range \(range) overlaps RAM \(entry.range)") }
            if let mmio64 = w.mmio64, mmio64.overlaps(entry.range) { out.append("[5 window vs RAM] mmio64 \(mmio64) overlaps RAM \(entry.range)") }
        }
        for fixed in fixedRanges(plan) {
            for range in low where range.overlaps(fixed.range) { out.append("[5 window vs chipset] mmio32 range \(range) overlaps \(fixed.name) \(fixed.range)") }
        }
        // Every assigned memory resource in the window of its kind.
        func place(_ label: @autoclosure () -> String, _ range: AddressRange) {
            if range.limit <= fourGiB {
                if !low.contains(where: { $0.contains(range) }) {
                    out.append("[5 containment] \(label()) \(range) is below 4G but outside every mmio32 range \(low.map(\.description).joined(separator: " "))")
                }
            } else if range.start >= fourGiB {
                guard let mmio64 = w.mmio64 else {
                    out.append("[5 containment] \(label()) \(range) is above 4G but there is no mmio64 window")
                    return
                }
                if !mmio64.contains(range) { out.append("[5 containment] \(label()) \(range) is outside mmio64 \(mmio64)") }
            } else {
                out.append("[5 containment] \(label()) \(range) straddles 4G")
            }
        }
        for f in plan.functions {
            for bar in f.bars where bar.kind.isMemory {
                if let range = bar.range { place(name(f, bar), range) }
            }
            if let windows = f.windows {
                if let mem = windows.mem { place("\(name(f)) mem window", mem) }
                if let pref = windows.pref { place("\(name(f)) pref window", pref) }
            }
        }
        return capped(out)
    }

    /// HostWindows.mmio32 (plan.json "mmio32", the key DESIGN.md documents) spans the first to the
    /// last 32-bit range, so it covers an ECAM that sits between two. Not counted as a violation:
    /// the ranges the host bridge decodes (mmio32Ranges) exclude the ECAM, and HostWindows documents
    /// the span; the census counts how often a plan.json reader would see the ECAM in "mmio32".
    static func mmio32SpanCoversECAM(_ plan: Plan) -> Bool {
        guard let ecam = plan.ecam else { return false }
        return plan.windows.mmio32Ranges.count > 1 && plan.windows.mmio32.overlaps(ecam.range)
    }

    // MARK: - E820 sanity

    static func e820(_ plan: Plan) -> [String] {
        var out: [String] = []
        let entries = plan.e820
        for (a, b) in zip(entries, entries.dropFirst()) {
            if a.range.start > b.range.start { out.append("[e820] entries not sorted: \(a.range) before \(b.range)") }
            if a.range.overlaps(b.range) { out.append("[e820] \(a.type.rawValue) \(a.range) (\(a.purpose)) overlaps \(b.type.rawValue) \(b.range) (\(b.purpose))") }
        }
        // hvmloader marks its table area ACPI NVS (e820.c since commit de6d188a51); guestfw's own firmware ACPI data.
        let tablesType: E820Type = plan.vmm == .xen ? .nvs : .acpi
        if !entries.contains(where: { $0.range == plan.memory.acpiTables && $0.type == tablesType }) {
            out.append("[e820] no \(tablesType.rawValue) entry for the tables area \(plan.memory.acpiTables)")
        }
        if plan.vmm == .xen {
            if plan.memory.acpiTables.start != xenACPIStart || plan.memory.acpiTables.limit > xenACPILimit {
                out.append("[e820 xen] the ACPI area \(plan.memory.acpiTables) is not [0xfc000000, at most 0xfc100000)")
            }
            // hvmloader reserves everything from its tables to 4 GiB.
            if !entries.contains(where: { $0.range == AddressRange(start: plan.memory.acpiTables.limit, limit: fourGiB) && $0.type == .reserved }) {
                out.append("[e820 xen] no reserved entry from the end of the ACPI area \(hex(plan.memory.acpiTables.limit)) to 4G")
            }
        }
        // No E820 entry of any type over a PCI resource (bus 0 BARs and bridge windows: the
        // BARs behind a port are inside its windows).
        for f in plan.functions where isRootBus(f) {
            var resources = f.bars.compactMap { bar in bar.kind.isMemory ? bar.range.map { (Item.Label.bar(f, bar), $0) } : nil }
            if let w = f.windows {
                if let mem = w.mem { resources.append((.window(f, "mem"), mem)) }
                if let pref = w.pref { resources.append((.window(f, "pref"), pref)) }
            }
            for (label, range) in resources {
                for entry in entries where entry.range.overlaps(range) {
                    let name = Item(label: label, range: range, category: .decided).name
                    out.append("[1 e820 vs PCI] \(entry.type.rawValue) \(entry.range) (\(entry.purpose)) overlaps \(name) \(range)")
                }
            }
        }
        return capped(out)
    }

    // MARK: - Bus numbers

    static func busNumbers(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var out: [String] = []
        // Root ports only, one level: a deeper tree is checked by treeBusNumbers.
        guard !plan.functions.contains(where: { $0.kind.isBridge && $0.kind != .rootPort }) else { return treeBusNumbers(plan, config) }
        let ports = plan.functions.filter { $0.kind == .rootPort }.sorted { $0.bdf < $1.bdf }
        var expectedSecondary = 1
        let lastBus = config.ecam.buses - 1
        let configPorts = Dictionary(config.rootPorts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let portsByID = Dictionary(ports.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let endpointsByID = Dictionary(plan.functions.filter { $0.kind == .endpoint && $0.bdf.bus != 0 }.map { ($0.id, $0) },
                                       uniquingKeysWith: { a, _ in a })
        for port in ports {
            guard let secondary = port.secondaryBus, let subordinate = port.subordinateBus else {
                out.append("[bus] \(name(port)) has no bus range")
                continue
            }
            let reserved = configPorts[port.id]?.reserve.buses ?? 1
            if secondary != expectedSecondary {
                out.append("[bus] \(name(port)) secondary bus \(secondary), expected \(expectedSecondary) (depth-first in BDF order from 1)")
            }
            if subordinate - secondary + 1 < reserved {
                out.append("[bus] \(name(port)) buses \(secondary)-\(subordinate) are fewer than its reservation of \(reserved)")
            }
            if subordinate < secondary || subordinate > lastBus {
                out.append("[bus] \(name(port)) buses \(secondary)-\(subordinate) outside the ECAM bus range 0-\(lastBus)")
            }
            expectedSecondary = subordinate + 1
        }
        for device in config.devices {
            guard let bus = device.bus, let port = portsByID[bus], let f = endpointsByID[device.id] else { continue }
            if f.bdf.bus != port.secondaryBus || f.bdf.device != 0 {
                out.append("[bus] \(name(f)) behind \(port.id) is not at device 0 of its secondary bus \(port.secondaryBus ?? -1)")
            }
        }
        return capped(out)
    }

    // MARK: - Reservations

    static func reservations(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var out: [String] = []
        let planned = Dictionary(plan.functions.filter { $0.kind == .rootPort }.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for port in config.rootPorts {
            guard let f = planned[port.id] else { continue }
            let r = port.reserve
            let needs: [(String, UInt64, AddressRange?)] = [
                ("io", r.io ?? (port.hotplug ? defaultHotplug.io : 0), f.windows?.io),
                ("mem", r.mem ?? (port.hotplug ? defaultHotplug.mem : 0), f.windows?.mem),
                ("pref", r.pref64 ?? (port.hotplug ? defaultHotplug.pref : 0), f.windows?.pref),
            ]
            for (kind, needed, window) in needs where needed > 0 {
                if let window {
                    if window.size < needed {
                        out.append("[reserve] \(name(f)) \(kind) window \(window) is smaller than its reservation \(hex(needed))")
                    }
                    continue
                }
                if plan.unassigned.contains(where: { $0.id == port.id && $0.kind == "\(kind)-window" }) { continue }
                let defaultIO = kind == "io" && r.io == nil && port.hotplug
                if defaultIO && plan.warnings.contains(where: { $0.contains(port.id) && $0.contains("cannot hold every default 4K I/O window") }) { continue }
                out.append("[reserve] \(name(f)) has no \(kind) window, unassigned entry or warning for its reservation \(hex(needed))")
            }
        }
        return capped(out)
    }

    // MARK: - RAM

    /// QEMU q35's RAM split (REFERENCE.md): all low below 0xB0000000, else 2G; never more than
    /// max-ram-below-4g (4G - mmio.hole).
    static func qemuLowRAM(_ config: MachineConfig) -> UInt64 {
        var limit: UInt64 = config.guestRAM >= 0xB000_0000 ? 0x8000_0000 : 0xB000_0000
        if let hole = config.mmio.hole { limit = min(limit, fourGiB - hole) }
        return min(config.guestRAM, limit)
    }

    static func ramAccounting(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var out: [String] = []
        let ram = plan.e820.filter { $0.type == .ram }
        let total = ram.reduce(UInt64(0)) { $0 + $1.range.size }
        // On Xen the tables live in hvmloader's reserved area, not in guest RAM.
        let tablesInRAM = config.vmm == .qemu ? plan.memory.acpiTables.size : 0
        let legacyArea = legacy(config.vmm)
        let expected = config.guestRAM - legacyArea.size - tablesInRAM
        if total != expected {
            out.append("[ram] E820 RAM totals \(hex(total)), expected memory \(hex(config.guestRAM)) - legacy \(hex(legacyArea.size)) - ACPI tables in RAM \(hex(tablesInRAM)) = \(hex(expected))")
        }
        let low = ram.filter { $0.range.limit <= fourGiB }
        let lowEnd = max(low.map(\.range.limit).max() ?? 0, config.vmm == .qemu ? plan.memory.acpiTables.limit : 0)
        if config.vmm == .qemu && plan.memory.acpiTables.limit != plan.memory.lowRAMEnd {
            out.append("[ram] ACPI tables \(plan.memory.acpiTables) are not at the top of low RAM (ends \(hex(plan.memory.lowRAMEnd)))")
        }
        let high = ram.filter { $0.range.start >= fourGiB }
        let highSize = high.reduce(UInt64(0)) { $0 + $1.range.size }
        if let first = high.min(by: { $0.range.start < $1.range.start }), first.range.start != fourGiB {
            out.append("[ram] high RAM starts at \(hex(first.range.start)), not 4G")
        }
        if plan.memory.relocatedRAM > highSize {
            out.append("[ram] relocatedRam \(hex(plan.memory.relocatedRAM)) exceeds the RAM above 4G \(hex(highSize))")
        }
        if lowEnd + highSize != config.guestRAM {
            out.append("[ram] low RAM end \(hex(lowEnd)) + high RAM \(hex(highSize)) != memory \(hex(config.guestRAM))")
        }
        if ram.contains(where: { $0.range.overlaps(plan.memory.hole) }) {
            out.append("[ram] RAM overlaps the MMIO hole \(plan.memory.hole)")
        }
        if config.vmm == .qemu {
            let split = qemuLowRAM(config)
            if lowEnd != split {
                out.append("[ram qemu split] low RAM ends at \(hex(lowEnd)); QEMU's q35 split of \(hex(config.guestRAM))\(config.mmio.hole.map { " with max-ram-below-4g \(hex(fourGiB - $0))" } ?? "") ends it at \(hex(split))")
            }
        }
        return out
    }

    // MARK: - Policy rules (doc comments of the policies)

    static func bus0HighCapable(_ plan: Plan) -> [(Item.Label, AddressRange?, UInt64)] {
        var out: [(Item.Label, AddressRange?, UInt64)] = []
        for f in plan.functions where isRootBus(f) {
            for bar in f.bars where bar.kind == .mem64 { out.append((.bar(f, bar), bar.range, max(bar.size, page))) }
            if f.kind.isBridge, let pref = f.windows?.pref { out.append((.window(f, "pref"), pref, pref.size)) }
        }
        return out
    }

    static func policyRules(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var out: [String] = []
        let relocated = plan.memory.relocatedRAM
        if config.ecam.policy == .toolstack {
            if relocated > 0 { out.append("[policy toolstack] relocatedRam \(hex(relocated)) > 0") }
            if !plan.unassigned.isEmpty { out.append("[policy toolstack] \(plan.unassigned.count) unassigned resources, e.g. \(plan.unassigned[0].id) \(plan.unassigned[0].kind)") }
            for (label, range, _) in bus0HighCapable(plan) {
                if let range, range.start < fourGiB {
                    out.append("[policy toolstack high] \(Item(label: label, range: range, category: .decided).name) \(range) may live above 4G but is below")
                }
            }
        } else {
            for (label, range, size) in bus0HighCapable(plan) where size > giB {
                if let range, range.start < fourGiB {
                    out.append("[policy hvmloader high] \(Item(label: label, range: range, category: .decided).name) \(range) is larger than 1G but below 4G")
                }
            }
        }
        if relocated > 0 && !(config.vmm == .xen && config.ecam.policy == .hvmloader && config.mmio.relocateRAM) {
            out.append("[policy relocation] relocatedRam \(hex(relocated)) for vmm \(config.vmm.rawValue), policy \(config.ecam.policy.rawValue), relocate_ram \(config.mmio.relocateRAM)")
        }
        if let window64 = config.mmio.window64, plan.windows.mmio64?.size != window64 {
            out.append("[policy window64] mmio.window64 = \(hex(window64)) but mmio64 is \(plan.windows.mmio64.map { "\($0)" } ?? "absent")")
        }
        if config.vmm == .xen, let hole = config.mmio.hole, plan.memory.hole.start != fourGiB - hole {
            out.append("[policy hole] mmio.hole = \(hex(hole)) but the hole starts at \(hex(plan.memory.hole.start))")
        }
        let holeLimit = config.vmm == .qemu ? qemuHoleLimit : xenHoleLimit
        if plan.memory.hole.limit != holeLimit {
            out.append("[policy hole] the hole \(plan.memory.hole) does not end at \(hex(holeLimit))")
        }
        if config.vmm == .xen && config.ecam.policy == .hvmloader && config.mmio.hole == nil
            && ![0xF000_0000, 0xE000_0000, 0xC000_0000, 0x8000_0000].contains(plan.memory.hole.start) {
            out.append("[policy hvmloader hole] the xen hole starts at \(hex(plan.memory.hole.start)), not 0xF0000000 halved by doubling")
        }
        // I/O from 0xC000 when everything fits above it (beside the identity I/O BARs and the
        // windows fixed around them, which are where the host put them).
        var io: [AddressRange] = [], fixedIO: [AddressRange] = []
        for f in plan.functions {
            for bar in f.bars where bar.kind == .io && isRootBus(f) {
                if let range = bar.range { if bar.isFixed { fixedIO.append(range) } else { io.append(range) } }
            }
            if let window = f.windows?.io { if f.windows?.fixed.contains("io") == true { fixedIO.append(window) } else { io.append(window) } }
        }
        let ioTotal = io.reduce(UInt64(0)) { $0 + $1.size }
        // With fixed ranges in the way the room is not one span: the rule is checked without them.
        if fixedIO.isEmpty && ioTotal <= 0x1_0000 - 0xC000, let low = io.min(by: { $0.start < $1.start }), low.start < 0xC000 {
            out.append("[policy io start] I/O demand \(hex(ioTotal)) fits above 0xC000 but \(low) is below")
        }
        return capped(out)
    }

    // MARK: - Unassigned bookkeeping

    static func unassignedConsistency(_ plan: Plan) -> [String] {
        var out: [String] = []
        let listed = Set(plan.unassigned.compactMap { item in item.bar.map { "\(item.id) \($0)" } })
        for f in plan.functions {
            for bar in f.bars where bar.address == nil {
                if !listed.contains("\(f.id) \(bar.index)") {
                    out.append("[unassigned] \(name(f, bar)) has no address and is not listed as unassigned")
                }
            }
        }
        let byID = Dictionary(grouping: plan.functions, by: \.id)
        for item in plan.unassigned {
            let functions = byID[item.id] ?? []
            if let index = item.bar {
                if !functions.contains(where: { f in f.bars.contains { $0.index == index && $0.address == nil } }) {
                    out.append("[unassigned] listed \(item.id) bar \(index) has an address or does not exist")
                }
            } else if item.kind == "ecam" {
                if plan.ecam != nil { out.append("[unassigned] ECAM listed unassigned but planned") }
            } else {
                let port = functions.first { $0.kind.isBridge }
                let window: AddressRange?? = switch item.kind {
                case "io-window": port.map { $0.windows?.io }
                case "mem-window": port.map { $0.windows?.mem }
                case "pref-window": port.map { $0.windows?.pref }
                default: nil
                }
                if case .some(.some(let placed)) = window {
                    out.append("[unassigned] \(item.id) \(item.kind) listed unassigned but placed at \(placed)")
                } else if window == nil {
                    out.append("[unassigned] \(item.id) \(item.kind): no such root port window")
                }
            }
        }
        return capped(out)
    }

    // MARK: - ACPI table slots

    static func acpiLayout(_ plan: Plan) -> [String] {
        var out: [String] = []
        let acpi = plan.memory.acpi
        if !plan.memory.biosArea.contains(acpi.rsdp.range) || acpi.rsdp.address % 16 != 0 {
            out.append("[acpi layout] RSDP \(acpi.rsdp.range) is not 16-byte aligned in the BIOS area \(plan.memory.biosArea)")
        }
        for slot in acpi.tables where !plan.memory.acpiTables.contains(slot.range) {
            out.append("[acpi layout] \(slot.signature) \(slot.range) lies outside the ACPI tables area \(plan.memory.acpiTables)")
        }
        for (a, b) in zip(acpi.tables, acpi.tables.dropFirst()) where a.range.overlaps(b.range) {
            out.append("[acpi layout] \(a.signature) \(a.range) overlaps \(b.signature) \(b.range)")
        }
        if let facs = acpi.slot("FACS"), facs.address % 64 != 0 { out.append("[acpi layout] FACS at \(hex(facs.address)) is not 64-byte aligned") }
        return out
    }

    // MARK: - Policy rules that need the demand

    static func policyAgainstDemand(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var out: [String] = []
        // IndependentDemand models root ports with endpoints only; a deeper tree's demand is
        // held by the tree checks (containment, nesting) instead.
        guard config.switches.isEmpty && config.pciBridges.isEmpty && config.hostBridges.isEmpty else { return out }
        let demand = IndependentDemand(config)
        // Hot-plug default I/O windows go only when I/O space runs out.
        let droppedDefaults = plan.warnings.contains { $0.contains("cannot hold every default 4K I/O window") }
        // A hot-pluggable port with reserve.io = "0" is named in a warning of its own.
        for port in config.rootPorts where port.hotplug && port.reserve.io == 0 {
            if !plan.warnings.contains(where: { $0.hasPrefix("root port \(port.id) is hot-pluggable with reserve.io = \"0\"") }) {
                out.append("[warning io0] hot-pluggable \(port.id) reserves io = 0 but no warning says Linux opens an I/O window there")
            }
        }
        let ioTotal = IndependentDemand.total(demand.io) + IndependentDemand.total(demand.ioDefaultOnly)
        let space = ioSpace(vmm: config.vmm, policy: config.ecam.policy)
        if droppedDefaults && ioTotal <= space.size {
            out.append("[policy io drop] default I/O windows dropped although the whole I/O demand \(hex(ioTotal)) fits in \(hex(space.size))")
        }
        // hvmloader on xen: the hole doubles while something does not fit, down to 0x80000000,
        // into RAM only when relocation is allowed.
        // hvmloader sizes the hole from what a bus 0 scan finds: bridges' windows (guestfw's
        // extension) never make it grow.
        let lowKinds: Set<String> = ["mem32", "rom", "ecam"]
        let busZeroIDs = Set(plan.functions.filter { $0.bdf.bus == 0 }.map(\.id))
        let unassignedLow = plan.unassigned.filter { lowKinds.contains($0.kind) && ($0.kind == "ecam" || busZeroIDs.contains($0.id)) }
        // hvmloader compares the total size with the hole, not alignments: only a total that still
        // exceeds the hole while it could double is a growth it missed.
        let hvmloaderTotal = plan.functions.filter { $0.bdf.bus == 0 }.flatMap(\.bars)
            .filter { $0.kind != .io && !($0.kind == .mem64 && $0.size > 1 << 30) }.reduce(0) { $0 + $1.size } + config.ecam.size
        if config.vmm == .xen && config.ecam.policy == .hvmloader && config.mmio.hole == nil, let missing = unassignedLow.first,
           hvmloaderTotal > xenHoleLimit - plan.memory.hole.start {
            let start = plan.memory.hole.start
            let next = start > 0x8000_0000 ? 2 * start - fourGiB : 0  // the hole below 4G doubled
            let lowRAMAtStart = min(config.guestRAM, 0xF000_0000)
            if start > 0x8000_0000 && next >= 0x8000_0000 && (config.mmio.relocateRAM || next >= lowRAMAtStart) {
                out.append("[policy hvmloader hole growth] \(unassignedLow.count) 32-bit resources unassigned (e.g. \(missing.id) \(missing.kind) \(hex(missing.size))) while the hole \(plan.memory.hole) could still double to start at \(hex(next))")
            }
        }
        // Toolstack on xen without mmio.hole: the smallest hole that holds the ECAM and the 32-bit demand.
        // (feasibleLow knows nothing of identity BARs, which the hole must also cover and hold.)
        let identity = config.devices.contains { !$0.identityAddresses.isEmpty }
        if config.vmm == .xen && config.ecam.policy == .toolstack && config.mmio.hole == nil && !identity,
           let (layout, _) = feasibleLow(config, demand), layout.holeStart > plan.memory.hole.start {
            out.append("[policy toolstack hole size] the hole starts at \(hex(plan.memory.hole.start)), but one from \(hex(layout.holeStart)) holds the ECAM \(layout.ecam) and the 32-bit demand (less RAM displaced)")
        }
        return out
    }

    // MARK: - Topology: the plan holds exactly the description's functions

    static func expectedBARs(_ device: Device, _ config: MachineConfig? = nil) -> [BARSpec] {
        if let model = device.model {
            let conventional = config?.pciBridges.contains { $0.id == device.bus } == true
            let placement: Placement = device.bus == nil ? .rootBus : conventional ? .conventional : .rootPort
            return DeviceCatalog.model(named: model, placement: placement, size: device.size)?.bars ?? []
        }
        if let host = device.hostModel { return host.bars }
        var bars = device.bars
        if let rom = device.rom { bars.append(BARSpec(index: 6, kind: .rom, size: rom)) }
        return bars.sorted { $0.index < $1.index }
    }

    static func sameBARs(_ planned: [PlannedBAR], _ expected: [BARSpec]) -> Bool {
        planned.count == expected.count && zip(planned.sorted { $0.index < $1.index }, expected).allSatisfy {
            $0.index == $1.index && $0.kind == $1.kind && $0.size == $1.size && $0.prefetchable == $1.prefetchable
        }
    }

    static func topology(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var out: [String] = []
        var seen = Set<BDF>()
        for f in plan.functions where !seen.insert(f.bdf).inserted {
            out.append("[topology] two functions at \(f.bdf)")
        }
        let expectedCount = config.rootPorts.count + config.devices.count + config.xenGuestDevices.count + ChipsetFunctions.all.count
            + config.pciBridges.count + config.switches.reduce(0) { $0 + 1 + $1.downstream.count } + config.hostBridges.count
        if plan.functions.count != expectedCount {
            out.append("[topology] \(plan.functions.count) functions, expected \(expectedCount)")
        }
        let byBDF = Dictionary(plan.functions.map { ($0.bdf, $0) }, uniquingKeysWith: { a, _ in a })
        let byKindAndID = Dictionary(grouping: plan.functions, by: { "\($0.kind.rawValue) \($0.id)" })
        for chip in ChipsetFunctions.all {
            let bdf = BDF(bus: 0, device: chip.address.device, function: chip.address.function)
            guard let f = byBDF[bdf], f.kind == .chipset else {
                out.append("[topology] chipset function \(chip.id) missing at \(bdf)")
                continue
            }
            if !sameBARs(f.bars, chip.model.bars) { out.append("[topology] \(name(f)) BARs differ from the chipset model") }
        }
        for port in config.rootPorts {
            let matches = byKindAndID["root-port \(port.id)"] ?? []
            guard matches.count == 1, let f = matches.first else {
                out.append("[topology] root port \(port.id) appears \(matches.count) times")
                continue
            }
            if let host = port.bus {
                let root = config.hostBridges.first { $0.id == host }?.busNumber
                if f.bdf.bus != root { out.append("[topology] \(name(f)) is not on host bridge \(host)'s root bus") }
            } else if f.bdf.bus != 0 || !(1...0x1e).contains(f.bdf.device) { out.append("[topology] \(name(f)) is not in a free bus 0 slot") }
            if let addr = port.addr, f.bdf != BDF(bus: 0, device: addr.device, function: addr.function) {
                out.append("[topology] \(name(f)) is not at its explicit address \(addr)")
            }
            if !sameBARs(f.bars, [BARSpec(index: 0, kind: .mem32, size: 0x1000)]) { out.append("[topology] \(name(f)) BARs differ from pcie-root-port's") }
        }
        for device in config.devices {
            let matches = byKindAndID["endpoint \(device.id)"] ?? []
            guard matches.count == 1, let f = matches.first else {
                out.append("[topology] device \(device.id) appears \(matches.count) times")
                continue
            }
            if device.bus == nil {
                if f.bdf.bus != 0 || !(1...0x1e).contains(f.bdf.device) { out.append("[topology] \(name(f)) is not in a free bus 0 slot") }
                if let addr = device.addr, f.bdf != BDF(bus: 0, device: addr.device, function: addr.function) {
                    out.append("[topology] \(name(f)) is not at its explicit address \(addr)")
                }
            } else if let addr = device.addr, f.bdf.function != addr.function {
                out.append("[topology] \(name(f)) is not at its explicit function \(addr.function)")
            }
            if !sameBARs(f.bars, expectedBARs(device, config)) {
                out.append("[topology] \(name(f)) BARs \(f.bars.map { "\($0.index):\($0.kind.rawValue):\(hex($0.size))" }) differ from the description's")
            }
        }
        // Linux scans function 0 first: every used slot has one.
        // (Slot 1f's function 0 is the ICH9 LPC bridge, which has no BARs and is not planned.)
        let slots = Set(plan.functions.map { BDF(bus: $0.bdf.bus, device: $0.bdf.device, function: 0) })
        for slot in slots where !seen.contains(slot) && slot != BDF(bus: 0, device: 0x1f, function: 0) {
            out.append("[topology] slot \(slot.bus):\(slot.device) has functions but no function 0")
        }
        return capped(out)
    }
}

// MARK: - Impossible layouts: the reason must really hold

/// What the description demands, recomputed from the rules in Demand.swift's doc comments: BARs
/// naturally aligned, memory BARs on their own page; a root port's I/O window holds its children's
/// I/O BARs (4K granular), its prefetchable window only 64-bit prefetchable BARs, its memory window
/// every other memory BAR (1M granular); each window at least its reservation (explicit, or the
/// hot-plug default 4K/2M/2M for a hot-pluggable port).
struct IndependentDemand {
    struct Piece {
        var what: String
        var size: UInt64
        var alignment: UInt64
    }

    /// Must live below 4 GiB (without the ECAM).
    var low: [Piece] = []
    /// May (toolstack: will) live above 4 GiB.
    var high: [Piece] = []
    var io: [Piece] = []
    /// I/O windows that exist only because of the hot-plug default: the first to go.
    var ioDefaultOnly: [Piece] = []

    static let page: UInt64 = 4 << 10

    init(_ config: MachineConfig) {
        func roundUp(_ v: UInt64, _ g: UInt64) -> UInt64 { (v + g - 1) / g * g }
        func memPiece(_ what: String, _ bar: BARSpec) -> Piece {
            let size = max(bar.size, Self.page)
            return Piece(what: what, size: size, alignment: size)
        }
        // libxl's own devices (platform device, VGA) sit on bus 0 like integrated endpoints.
        let integrated = config.devices.filter { $0.bus == nil } + config.xenGuestDevices
        var bus0: [(String, BARSpec)] = integrated.flatMap { d in InvariantChecks.expectedBARs(d).map { (d.id, $0) } }
        bus0 += ChipsetFunctions.all.flatMap { chip in chip.model.bars.map { (chip.id, $0) } }
        bus0 += config.rootPorts.map { ($0.id, BARSpec(index: 0, kind: .mem32, size: 0x1000)) }
        for (id, bar) in bus0 {
            switch bar.kind {
            case .io: io.append(Piece(what: "\(id) BAR\(bar.index) io", size: bar.size, alignment: bar.size))
            case .mem64: high.append(memPiece("\(id) BAR\(bar.index) mem64", bar))
            case .mem32, .rom: low.append(memPiece("\(id) BAR\(bar.index) \(bar.kind.rawValue)", bar))
            }
        }
        let behind = Dictionary(grouping: config.devices.filter { $0.bus != nil }, by: { $0.bus! })
        for port in config.rootPorts {
            let bars = (behind[port.id] ?? []).flatMap { InvariantChecks.expectedBARs($0, config) }
            let r = port.reserve
            func window(_ what: String, _ children: [BARSpec], granule: UInt64, reserve: UInt64) -> Piece? {
                let sizes = children.map { $0.kind == .io ? $0.size : max($0.size, Self.page) }
                // Power-of-two pieces packed largest first leave no gaps: the sum is the span.
                let size = max(roundUp(sizes.reduce(0, +), granule), roundUp(reserve, granule))
                guard size > 0 else { return nil }
                return Piece(what: "\(port.id) \(what) window", size: size, alignment: max(granule, sizes.max() ?? 0))
            }
            let ioBARs = bars.filter { $0.kind == .io }
            let prefBARs = bars.filter { $0.kind == .mem64 && $0.prefetchable }
            let memBARs = bars.filter { $0.kind != .io && !($0.kind == .mem64 && $0.prefetchable) }
            let ioReserve = r.io ?? (port.hotplug ? InvariantChecks.defaultHotplug.io : 0)
            if let w = window("io", ioBARs, granule: 0x1000, reserve: ioReserve) {
                if ioBARs.isEmpty && r.io == nil && port.hotplug { ioDefaultOnly.append(w) } else { io.append(w) }
            }
            if let w = window("mem", memBARs, granule: 1 << 20, reserve: r.mem ?? (port.hotplug ? InvariantChecks.defaultHotplug.mem : 0)) {
                low.append(w)
            }
            if let w = window("pref", prefBARs, granule: 1 << 20, reserve: r.pref64 ?? (port.hotplug ? InvariantChecks.defaultHotplug.pref : 0)) {
                high.append(w)
            }
        }
    }

    static func total(_ pieces: [Piece]) -> UInt64 { pieces.reduce(0) { $0 + $1.size } }

    /// Packs the pieces, largest alignment first, each at the lowest aligned place that is free.
    /// true when all fit: then a layout exists.
    static func pack(_ pieces: [Piece], into ranges: [AddressRange]) -> Bool {
        var free = ranges.map { (start: $0.start, limit: $0.limit) }
        for piece in pieces.sorted(by: { ($0.alignment, $0.size) > ($1.alignment, $1.size) }) {
            guard let index = free.firstIndex(where: { range in
                let base = (range.start + piece.alignment - 1) / piece.alignment * piece.alignment
                return base >= range.start && base <= range.limit && range.limit - base >= piece.size
            }) else { return false }
            let range = free[index]
            let base = (range.start + piece.alignment - 1) / piece.alignment * piece.alignment
            free.remove(at: index)
            if base + piece.size < range.limit { free.insert((base + piece.size, range.limit), at: index) }
            if base > range.start { free.insert((range.start, base), at: index) }
        }
        return true
    }
}

extension InvariantChecks {
    /// One way the toolstack could lay out the low part: its hole, RAM split and ECAM.
    struct LowLayout {
        var holeStart: UInt64
        var lowRAMEnd: UInt64
        var ecam: AddressRange
        var windows: [AddressRange]
    }

    /// The holes the toolstack policy may choose (ToolstackPolicy's doc comments): QEMU's is where
    /// its RAM split puts it, Xen's is mmio.hole when given, else any 256M boundary from 0xF0000000
    /// down to 256M (xl's largest hole, 3840M), the smallest first. Each with the ECAM at
    /// ecam.base or first in the hole (one admissible place: a layout found with it exists, so
    /// the policy, which tries this one when its denser packing fails, must find one too),
    /// admissible when the ECAM meets no RAM and stays in the hole; the 32-bit window is the hole
    /// less the ECAM (one or two ranges).
    static func toolstackLowLayouts(_ config: MachineConfig) -> [LowLayout] {
        let starts: [UInt64]
        if config.vmm == .qemu {
            starts = [qemuLowRAM(config)]
        } else if let hole = config.mmio.hole {
            starts = [fourGiB - hole]
        } else {
            starts = stride(from: 0xF000_0000, through: 0x1000_0000, by: -Int(ecamAlignment)).map { UInt64($0) }
        }
        let holeLimit = config.vmm == .qemu ? qemuHoleLimit : xenHoleLimit
        return starts.compactMap { start in
            let lowEnd = config.vmm == .qemu ? start : min(config.guestRAM, start)
            let highRAM = config.guestRAM > lowEnd ? AddressRange(start: fourGiB, size: config.guestRAM - lowEnd) : nil
            let base = config.ecam.base ?? (start + ecamAlignment - 1) / ecamAlignment * ecamAlignment
            let ecam = AddressRange(start: base, size: config.ecam.size)
            if base < lowEnd || highRAM.map(ecam.overlaps) == true { return nil }
            let hole = AddressRange(start: start, limit: holeLimit)
            if base < fourGiB && !hole.contains(ecam) { return nil }
            var sides: [AddressRange] = []
            if hole.overlaps(ecam) {
                if ecam.start > hole.start { sides.append(AddressRange(start: hole.start, limit: ecam.start)) }
                if ecam.limit < hole.limit { sides.append(AddressRange(start: ecam.limit, limit: hole.limit)) }
            } else {
                sides.append(hole)
            }
            return LowLayout(holeStart: start, lowRAMEnd: lowEnd, ecam: ecam, windows: sides)
        }
    }

    /// The first (smallest-hole) layout in which the low demand fits, and its 32-bit ranges.
    static func feasibleLow(_ config: MachineConfig, _ demand: IndependentDemand) -> (LowLayout, [AddressRange])? {
        for layout in toolstackLowLayouts(config) {
            if IndependentDemand.pack(demand.low, into: layout.windows) {
                return (layout, layout.windows)
            }
        }
        return nil
    }

    /// The 64-bit window the toolstack could have above `layout`: from the first GiB boundary above
    /// high RAM and a high ECAM, mmio.window64 long when given, else up to 2^phys_bits.
    static func window64(_ config: MachineConfig, _ layout: LowLayout) -> AddressRange? {
        var floor = max(fourGiB, fourGiB + (config.guestRAM - layout.lowRAMEnd))
        if layout.ecam.start >= fourGiB { floor = max(floor, layout.ecam.limit) }
        let start = (floor + giB - 1) / giB * giB
        let limit = UInt64(1) << UInt64(config.physBits)
        guard start < limit else { return nil }
        if let size = config.mmio.window64 {
            return start + size <= limit ? AddressRange(start: start, size: size) : nil
        }
        return AddressRange(start: start, limit: limit)
    }

    /// Checks a LayoutError: its own numbers prove it, an independent recomputation agrees, and
    /// the error kind is one the policy may raise. Also says how the impossibility was confirmed.
    static func checkError(_ error: LayoutError, _ config: MachineConfig) -> (violations: [String], confirmation: String) {
        var out: [String] = []
        var confirmation = "unconfirmed"
        let demand = IndependentDemand(config)
        let toolstack = config.ecam.policy == .toolstack
        switch error {
        case .lowWindowTooSmall(let needed, let available, let window, _):
            if !toolstack { out.append("[err policy] hvmloader leaves what does not fit unassigned, but threw lowWindowTooSmall") }
            if needed <= available {
                out.append("[err numbers low] lowWindowTooSmall(needed: \(hex(needed)), available: \(hex(available)), window: \(window.map { "\($0)" } ?? "nil")): needed does not exceed available; the message reads: \(error)")
            }
            let ecamLow = config.ecam.base.map { $0 < fourGiB } ?? true
            let lowerBound = IndependentDemand.total(demand.low) + (ecamLow ? config.ecam.size : 0)
            if lowerBound > largestLowHole(config) {
                confirmation = "lower bound"
            } else if let (layout, found) = feasibleLow(config, demand) {
                out.append("[err false-impossible low] lowWindowTooSmall, but the low demand \(hex(IndependentDemand.total(demand.low))) packs into \(found.map(\.description).joined(separator: " ")) with the hole at \(hex(layout.holeStart)) and the ECAM at \(layout.ecam)")
            } else {
                confirmation = "packing"
            }
        case .window64TooSmall(let needed, let available, _):
            if !toolstack { out.append("[err policy] hvmloader threw window64TooSmall") }
            if needed <= available {
                out.append("[err numbers 64] window64TooSmall(needed: \(hex(needed)), available: \(hex(available))): needed does not exceed available; the message reads: \(error)")
            }
            if let (layout, _) = feasibleLow(config, demand) {
                if let window = window64(config, layout) {
                    if IndependentDemand.total(demand.high) > window.size {
                        confirmation = "lower bound"
                    } else if IndependentDemand.pack(demand.high, into: [window]) {
                        out.append("[err false-impossible 64] window64TooSmall, but the 64-bit demand \(hex(IndependentDemand.total(demand.high))) packs into \(window)")
                    } else {
                        confirmation = "packing"
                    }
                } else {
                    confirmation = "no 64-bit window fits phys_bits"
                }
            }
        case .ioSpaceExhausted(let needed, let available, _):
            if needed <= available {
                out.append("[err numbers io] ioSpaceExhausted(needed: \(hex(needed)), available: \(hex(available))): needed does not exceed available")
            }
            let space = ioSpace(vmm: config.vmm, policy: config.ecam.policy)
            if available != space.size { out.append("[err numbers io] ioSpaceExhausted available \(hex(available)), PCI I/O space is \(hex(space.size))") }
            let total = IndependentDemand.total(demand.io)
            if total <= space.size {
                out.append("[err false-impossible io] ioSpaceExhausted, but the I/O demand without default-only windows is \(hex(total)) <= \(hex(space.size))")
            } else {
                confirmation = "lower bound"
            }
        case .noAlignedPlace(let space, let window, let needed, let available, _):
            if !toolstack { out.append("[err policy] hvmloader leaves what does not fit unassigned, but threw noAlignedPlace") }
            if needed > available {
                out.append("[err numbers align] noAlignedPlace(needed: \(hex(needed)), available: \(hex(available))): a size shortage must be reported as such")
            }
            if space == "32-bit window" {
                if let (layout, found) = feasibleLow(config, demand) {
                    out.append("[err false-impossible align] noAlignedPlace in \(window), but the low demand packs into \(found.map(\.description).joined(separator: " ")) with the hole at \(hex(layout.holeStart))")
                } else {
                    confirmation = "packing"
                }
            } else if IndependentDemand.pack(demand.high, into: [window]) {
                out.append("[err false-impossible align 64] noAlignedPlace, but the 64-bit demand packs into \(window)")
            } else {
                confirmation = "packing"
            }
        case .identityConflict(_, let range, let problem):
            let (found, confirmed) = checkIdentityConflict(config, range: range, problem: problem)
            out += found
            confirmation = confirmed
        case .conflictingInput(let field, let value, _, _) where field == "mmio.window64":
            // Even above the least high RAM any layout leaves, the window must end within phys_bits.
            // On Xen under the toolstack the hole is the smallest that holds the 32-bit demand.
            let smallestHole = config.vmm == .xen && config.ecam.policy == .toolstack && config.mmio.hole == nil
                ? feasibleLow(config, demand)?.0.holeStart : nil
            let lowEnd = config.vmm == .qemu ? qemuLowRAM(config)
                : min(config.guestRAM, smallestHole ?? config.mmio.hole.map { fourGiB - $0 } ?? 0xF000_0000)
            // The window also starts above an ECAM placed above 4 GiB.
            let highECAMEnd = config.ecam.base.map { $0 >= fourGiB ? $0 + config.ecam.size : 0 } ?? 0
            let floor = max(fourGiB, fourGiB + config.guestRAM - lowEnd, config.ecam.policy == .toolstack ? highECAMEnd : 0)
            let start = (floor + (1 << 30) - 1) / (1 << 30) * (1 << 30)
            let limit = UInt64(1) << config.physBits
            if let window = config.mmio.window64, start >= limit || window > limit - start {
                confirmation = "window64 past phys_bits"
            } else {
                out.append("[err window64 conflict] \(field) = \(value), but from \(hex(start)) it ends within 2^phys_bits")
            }
        case .conflictingInput(let field, let value, let problem, _):
            if ecamBaseConflict(config) != nil {
                confirmation = "base meets RAM or leaves the hole in every layout"
            } else if config.ecam.policy != .toolstack || config.ecam.base == nil {
                out.append("[err conflictingInput] \(field) = \(value): \(problem) -- without a toolstack ecam.base")
            } else if let (layout, found) = feasibleLow(config, demand) {
                out.append("[err false conflict] \(field) = \(value): \(problem) -- but with the hole at \(hex(layout.holeStart)) the ECAM \(layout.ecam) meets no RAM and the 32-bit demand packs into \(found.map(\.description).joined(separator: " "))")
            } else {
                // The base is clear of RAM in the smallest hole; only the hole the 32-bit demand
                // needs moves RAM onto it. No layout exists, but it is not the base alone.
                out.append("[err conflict from hole growth] \(field) = \(value): \(problem) -- with the smallest hole (low RAM up to \(hex(min(config.guestRAM, 0xF000_0000)))) the ECAM meets no RAM; no admissible hole both holds the 32-bit demand (\(hex(IndependentDemand.total(demand.low)))) and keeps RAM off the ECAM, so no layout exists, but the error blames ecam.base as bad input (exit 2) rather than the 32-bit demand (lowWindowTooSmall, exit 1)")
            }
        }
        return (out, confirmation)
    }

    /// The largest 32-bit hole the toolstack may have: QEMU's fixed one, Xen's mmio.hole, or xl's
    /// largest (3840M, from 256M).
    static func largestLowHole(_ config: MachineConfig) -> UInt64 {
        if config.vmm == .qemu { return qemuHoleLimit - qemuLowRAM(config) }
        if let hole = config.mmio.hole { return xenHoleLimit - (fourGiB - hole) }
        return xenHoleLimit - 0x1000_0000
    }

    /// Why an explicit toolstack ecam.base can never work, or nil: it meets RAM or leaves the hole
    /// even in the layout that displaces the least RAM.
    static func ecamBaseConflict(_ config: MachineConfig) -> String? {
        guard config.ecam.policy == .toolstack, let base = config.ecam.base else { return nil }
        let ecam = AddressRange(start: base, size: config.ecam.size)
        let holeLimit = config.vmm == .qemu ? qemuHoleLimit : xenHoleLimit
        let lowEnd: UInt64
        if config.vmm == .qemu {
            lowEnd = qemuLowRAM(config)
        } else if let hole = config.mmio.hole {
            lowEnd = min(config.guestRAM, fourGiB - hole)
        } else {
            // The smallest Xen hole that can hold a low ECAM starts at or below it (and at 0xF0000000 at most).
            let highest: UInt64 = base < fourGiB ? min(0xF000_0000, base / ecamAlignment * ecamAlignment) : 0xF000_0000
            lowEnd = min(config.guestRAM, highest)
        }
        if base < fourGiB {
            if base < lowEnd { return "below the end of low RAM \(hex(lowEnd))" }
            if ecam.limit > holeLimit { return "past the hole's end \(hex(holeLimit))" }
            return nil
        }
        let high = config.guestRAM > lowEnd ? AddressRange(start: fourGiB, size: config.guestRAM - lowEnd) : nil
        if let high, high.overlaps(ecam) { return "over high RAM \(high)" }
        return nil
    }

    /// For a plan: an explicit base that can never work must have been refused.
    static func refusedBases(_ plan: Plan, _ config: MachineConfig) -> [String] {
        guard let reason = ecamBaseConflict(config) else { return [] }
        return ["[4 base conflict not refused] ecam.base \(hex(config.ecam.base!)) is \(reason), yet a plan was made with the ECAM at \(plan.ecam.map { "\($0.range)" } ?? "nil")"]
    }
}
