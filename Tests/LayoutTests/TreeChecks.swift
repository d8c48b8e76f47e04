import Layout
import VMConfig

/// Checks of a plan's PCI tree at every depth, written from the PCI rules, not from the planner:
/// bus ranges nest, siblings' ranges are disjoint, every function sits on its parent's secondary
/// bus, and every resource lies inside the window of the right kind of each bridge above it.
extension InvariantChecks {
    static func treeBusNumbers(_ plan: Plan, _ config: MachineConfig) -> [String] {
        var out: [String] = []
        let bridges = plan.functions.filter(\.kind.isBridge)
        let lastBus = config.ecam.buses - 1
        var ownerOfBus: [Int: String] = [0: "host bridge"]
        for bridge in bridges {
            guard let secondary = bridge.secondaryBus, let subordinate = bridge.subordinateBus else {
                out.append("[bus] \(name(bridge)) has no bus range")
                continue
            }
            if secondary <= bridge.bdf.bus || subordinate < secondary || subordinate > lastBus {
                out.append("[bus] \(name(bridge)) buses \(secondary)-\(subordinate) on bus \(bridge.bdf.bus), ECAM ends at \(lastBus)")
            }
            if let other = ownerOfBus[secondary] { out.append("[bus] bus \(secondary) is secondary to both \(other) and \(bridge.id)") }
            ownerOfBus[secondary] = bridge.id
            // The parent's range holds this one.
            if bridge.bdf.bus != 0 {
                guard let parent = bridges.first(where: { $0.secondaryBus == bridge.bdf.bus }),
                      let parentSubordinate = parent.subordinateBus else {
                    out.append("[bus] \(name(bridge)) sits on bus \(bridge.bdf.bus), which no bridge provides")
                    continue
                }
                if subordinate > parentSubordinate { out.append("[bus] \(name(bridge)) ends at bus \(subordinate), past its parent \(parent.id)'s \(parentSubordinate)") }
            }
        }
        for (a, b) in pairs(bridges) where a.bdf.bus == b.bdf.bus {
            guard let a1 = a.secondaryBus, let a2 = a.subordinateBus, let b1 = b.secondaryBus, let b2 = b.subordinateBus else { continue }
            if a1 <= b2 && b1 <= a2 { out.append("[bus] siblings \(a.id) \(a1)-\(a2) and \(b.id) \(b1)-\(b2) overlap") }
        }
        for function in plan.functions where function.bdf.bus != 0 && ownerOfBus[function.bdf.bus] == nil {
            out.append("[bus] \(name(function)) sits on bus \(function.bdf.bus), which no bridge provides")
        }
        return out
    }

    /// Every BAR and window below a bridge lies in that bridge's window of its kind.
    static func treeContainment(_ plan: Plan) -> [String] {
        var out: [String] = []
        let bridges = plan.functions.filter(\.kind.isBridge)
        for bridge in bridges {
            guard let secondary = bridge.secondaryBus, let subordinate = bridge.subordinateBus, secondary <= subordinate,
                  let windows = bridge.windows else { continue }
            for inner in plan.functions where (secondary...subordinate).contains(inner.bdf.bus) {
                for bar in inner.bars {
                    guard let range = bar.range else { continue }
                    let holders = bar.kind == .io ? [windows.io] : [windows.mem, windows.pref]
                    if !holders.contains(where: { $0?.contains(range) == true }) {
                        out.append("[3 tree containment] \(name(inner, bar)) \(range) is outside every window of \(bridge.id)")
                    }
                }
                if let innerWindows = inner.windows, inner.kind.isBridge {
                    for (kind, range, holder) in [("io", innerWindows.io, windows.io), ("mem", innerWindows.mem, windows.mem), ("pref", innerWindows.pref, windows.pref)] {
                        guard let range else { continue }
                        if holder?.contains(range) != true {
                            out.append("[3 tree containment] \(inner.id) \(kind) window \(range) is outside \(bridge.id)'s \(kind) window")
                        }
                    }
                }
            }
        }
        return out
    }

    static func pairs<T>(_ items: [T]) -> [(T, T)] {
        items.indices.flatMap { i in items.indices.filter { $0 > i }.map { (items[i], items[$0]) } }
    }
}
