import VMConfig

/// One rectangle of the layout drawing: a placed thing with its exact range.
struct LayoutItem: Sendable, Hashable {
    enum Space: String, Sendable { case memory, io }

    enum Style: String, Sendable {
        case ram, hole, window64, ecam, fixed, acpi
        case memWindow = "mem-window", prefWindow = "pref-window", ioWindow = "io-window"
        case mem32, mem64, rom, io, hostIO = "host-io", legacyIO = "legacy-io"

        var fill: String {
            switch self {
            case .ram: "#d4ecc9"
            case .hole: "#f3f3f3"
            case .window64: "#eef3fb"
            case .ecam: "#f7c46c"
            case .fixed: "#cfcfcf"
            case .acpi: "#a9d69a"
            case .memWindow: "#dce8f8"
            case .prefWindow: "#e6ddf7"
            case .ioWindow: "#ecebd2"
            case .mem32: "#8fb9e8"
            case .mem64: "#b29ce8"
            case .rom: "#ead27f"
            case .io: "#c8c583"
            case .hostIO: "#f6f6ec"
            case .legacyIO: "#dddddd"
            }
        }

        var stroke: String {
            switch self {
            case .ram, .acpi: "#5d8f4f"
            case .hole, .hostIO: "#b5b5b5"
            case .window64: "#9fb2cc"
            case .ecam: "#a86f10"
            case .fixed, .legacyIO: "#7a7a7a"
            case .memWindow: "#4d74ad"
            case .prefWindow: "#6c52aa"
            case .ioWindow: "#8a8740"
            case .mem32, .mem64, .rom, .io: "#333333"
            }
        }

        /// Drawn across the whole strip behind everything else.
        var isBackground: Bool { [.ram, .hole, .window64, .hostIO, .legacyIO].contains(self) }
        var isWindow: Bool { [.memWindow, .prefWindow, .ioWindow].contains(self) }
    }

    var space: Space
    /// `data-id`: the function's id, or a fixed name (`ecam`, `low-ram`, `hole`, ...).
    var id: String
    /// `data-resource` for a function's resources: `BAR1`, `mem-window`, ...
    var resource: String?
    var bdf: String?
    var range: AddressRange
    /// Nesting: 0 backgrounds, 1 bus 0 and fixed ranges, one more behind each bridge.
    var level: Int
    var style: Style
    var label: String
    /// 1-based numbers of the plan's hazards that concern this item.
    var hazards: [Int] = []
    var isExtension = false
    /// An identity BAR (`placement = "identity"`) or a window fixed around identity BARs.
    var isFixed = false
}

/// A resource the plan left unassigned, as the drawing lists it.
struct UnassignedLine: Sendable, Hashable {
    var text: String
    var hazards: [Int]
}

enum LayoutItems {
    static func memory(_ plan: Plan) -> [LayoutItem] {
        let map = plan.memory
        var items: [LayoutItem] = []
        func add(_ id: String, _ range: AddressRange, _ level: Int, _ style: LayoutItem.Style, _ label: String) {
            items.append(LayoutItem(space: .memory, id: id, range: range, level: level, style: style, label: label))
        }
        if map.lowRAMEnd > 0 {
            add("low-ram", AddressRange(start: 0, limit: map.lowRAMEnd), 0, .ram,
                "low RAM \(Quantity.format(map.lowRAMEnd)), ends at \(hex(map.lowRAMEnd))")
        }
        if let high = map.highRAM {
            let moved = map.relocatedRAM > 0 ? ", \(Quantity.format(map.relocatedRAM)) relocated" : ""
            add("high-ram", high, 0, .ram, "high RAM \(Quantity.format(high.size)) \(spanText(high))\(moved)")
        }
        add("hole", map.hole, 0, .hole, "32-bit hole \(spanText(map.hole)) (\(Quantity.format(map.hole.size)))")
        if let window = plan.windows.mmio64 {
            add("mmio64", window, 0, .window64, "64-bit window \(spanText(window)) (\(Quantity.format(window.size)))")
        }
        add("acpi-tables", map.acpiTables, 1, .acpi, "ACPI tables \(Quantity.format(map.acpiTables.size)) @\(hex(map.acpiTables.start))")
        if plan.vmm == .xen {
            if map.firmwareROM.start > FixedRanges.xenReservedStart {
                add("xen-reserved", AddressRange(start: FixedRanges.xenReservedStart, limit: map.firmwareROM.start), 1, .fixed,
                    "Xen's own pages, IOAPIC, LAPIC \(spanText(AddressRange(start: FixedRanges.xenReservedStart, limit: map.firmwareROM.start)))")
            }
        } else {
            let chipset = AddressRange(start: FixedRanges.ioapic, limit: FixedRanges.lapic + FixedRanges.lapicSize)
            add("chipset", chipset, 1, .fixed, "IOAPIC, HPET, LAPIC \(spanText(chipset))")
        }
        add("firmware-rom", map.firmwareROM, 1, .fixed, "firmware ROM \(Quantity.format(map.firmwareROM.size)) @\(hex(map.firmwareROM.start))")
        if let ecam = plan.ecam {
            add("ecam", ecam.range, 1, .ecam,
                "ECAM \(Quantity.format(ecam.size)) @\(hex(ecam.base)), buses \(format2(ecam.busStart))-\(format2(ecam.busEnd))")
        }
        let levels = busLevels(plan)
        for function in plan.functions {
            let level = levels[function.bdf.bus] ?? 1
            if let windows = function.windows {
                for (name, range, style) in [("mem-window", windows.mem, LayoutItem.Style.memWindow), ("pref-window", windows.pref, .prefWindow)] {
                    guard let range else { continue }
                    var item = LayoutItem(space: .memory, id: function.id, resource: name, bdf: function.bdf.description, range: range,
                                          level: level, style: style, label: "\(function.id) \(name) \(Quantity.format(range.size)) @\(hex(range.start))")
                    item.isExtension = windows.isExtension
                    item.isFixed = windows.fixed.contains(name == "mem-window" ? "mem" : "pref")
                    items.append(item)
                }
            }
            for bar in function.bars where bar.kind != .io {
                guard let range = bar.range else { continue }
                items.append(barItem(function, bar, range, level))
            }
        }
        return items
    }

    static func io(_ plan: Plan) -> [LayoutItem] {
        var items: [LayoutItem] = []
        let host = plan.windows.io
        if host.start > 0 {
            let legacy = AddressRange(start: 0, limit: host.start)
            items.append(LayoutItem(space: .io, id: "legacy-io", range: legacy, level: 0, style: .legacyIO,
                                    label: "legacy and chipset I/O \(spanText(legacy))"))
        }
        items.append(LayoutItem(space: .io, id: "io", range: host, level: 0, style: .hostIO,
                                label: "host I/O window \(spanText(host))"))
        let levels = busLevels(plan)
        for function in plan.functions {
            let level = levels[function.bdf.bus] ?? 1
            if let windows = function.windows, let range = windows.io {
                var item = LayoutItem(space: .io, id: function.id, resource: "io-window", bdf: function.bdf.description, range: range,
                                      level: level, style: .ioWindow, label: "\(function.id) io-window \(hex(range.size)) @\(hex(range.start))")
                item.isExtension = windows.isExtension
                item.isFixed = windows.fixed.contains("io")
                items.append(item)
            }
            for bar in function.bars where bar.kind == .io {
                guard let range = bar.range else { continue }
                items.append(barItem(function, bar, range, level))
            }
        }
        return items
    }

    static func barItem(_ function: PlannedFunction, _ bar: PlannedBAR, _ range: AddressRange, _ level: Int) -> LayoutItem {
        let style: LayoutItem.Style = switch bar.kind {
        case .io: .io
        case .mem32: .mem32
        case .mem64: .mem64
        case .rom: .rom
        }
        let size = bar.kind == .io ? hex(bar.size) : Quantity.format(bar.size)
        let label = "\(function.id) BAR\(bar.index) \(bar.kind.rawValue)\(bar.prefetchable ? " pref" : "") \(size) @\(hex(range.start))"
        var item = LayoutItem(space: bar.kind == .io ? .io : .memory, id: function.id, resource: "BAR\(bar.index)",
                              bdf: function.bdf.description, range: range, level: level, style: style, label: label)
        item.isExtension = bar.isExtension
        item.isFixed = bar.isFixed
        return item
    }

    /// The nesting level of each bus: 1 for bus 0, one more behind each bridge.
    static func busLevels(_ plan: Plan) -> [Int: Int] {
        var levels = [0: 1]
        for function in plan.functions.sorted(by: { $0.bdf < $1.bdf }) {
            guard let secondary = function.secondaryBus, let subordinate = function.subordinateBus, secondary <= subordinate else { continue }
            let level = (levels[function.bdf.bus] ?? 1) + 1
            for bus in secondary...subordinate { levels[bus] = level }
        }
        return levels
    }

    static func unassigned(_ plan: Plan) -> [UnassignedLine] {
        plan.unassigned.map { resource in
            let what = resource.bar.map { "BAR\($0) \(resource.kind)" } ?? resource.kind
            let size = resource.kind == "io" || resource.kind == "io-window" ? hex(resource.size) : Quantity.format(resource.size)
            let marks = plan.hazards.indices.filter { index in
                let hazard = plan.hazards[index]
                guard hazard.ids.contains(resource.id) else { return false }
                return hazard.kind != .ioUnprogrammed || resource.kind == "io"
            }.map { $0 + 1 }
            return UnassignedLine(text: "\(resource.id) \(what) \(size)", hazards: marks)
        }
    }

    /// Marks every item each hazard concerns (pass both panels' items at once): the ECAM for the
    /// ECAM hazards, high RAM for relocated RAM, the named functions' I/O BARs for unprogrammed
    /// I/O (an unassigned one is marked in the unassigned list instead), and for shared pages the
    /// named functions' memory BARs that share a page (else those under 4 KiB, else all of them).
    static func markHazards(_ plan: Plan, _ items: inout [LayoutItem]) {
        for (index, hazard) in plan.hazards.enumerated() {
            let ids = Set(hazard.ids)
            var marked: [Int]
            switch hazard.kind {
            case .ecamMisaligned, .ecamAbove4G:
                marked = items.indices.filter { items[$0].style == .ecam }
            case .ramRelocated:
                marked = items.indices.filter { items[$0].id == "high-ram" }
            case .ioUnprogrammed:
                marked = items.indices.filter { ids.contains(items[$0].id) && items[$0].style == .io }
            case .sharedPage:
                let bars = items.indices.filter { ids.contains(items[$0].id) && [.mem32, .mem64, .rom].contains(items[$0].style) }
                marked = bars.filter { one in
                    bars.contains { other in
                        items[other].id != items[one].id && items[other].range.start / Units.page == items[one].range.start / Units.page
                    }
                }
                if marked.isEmpty { marked = bars.filter { items[$0].range.size < Units.page } }
                if marked.isEmpty { marked = bars }
            }
            for item in marked { items[item].hazards.append(index + 1) }
        }
    }

    static func spanText(_ range: AddressRange) -> String { "\(hex(range.start))-\(hex(range.end))" }
}
