import Layout

/// How densely a plan packs its 32-bit resources: the span from the lowest start to the highest
/// end of the ECAM, the bus 0 memory BARs and ROMs and the bus 0 bridges' memory windows that lie
/// below 4 GiB, divided by their summed sizes (each BAR counted at its footprint, at least a page).
/// 1.0 is a block without gaps; nil when nothing lies below 4 GiB.
public enum HoleDensity {
    public static func ranges(_ plan: Plan) -> [AddressRange] {
        var ranges = plan.ecam.map { [$0.range] } ?? []
        for function in plan.functions where function.bdf.bus == 0 {
            ranges += function.bars.filter(\.kind.isMemory).compactMap(\.range)
                .map { AddressRange(start: $0.start, size: max($0.size, 0x1000)) }
            ranges += [function.windows?.mem, function.windows?.pref].compactMap { $0 }
        }
        return ranges.filter { $0.limit <= 1 << 32 }
    }

    public static func ratio(_ plan: Plan) -> Double? {
        let low = ranges(plan)
        guard let first = low.map(\.start).min(), let last = low.map(\.limit).max() else { return nil }
        return Double(last - first) / Double(low.reduce(0) { $0 + $1.size })
    }
}
