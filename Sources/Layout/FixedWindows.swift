import VMConfig

/// Windows that hold identity BARs (`placement = "identity"`), sized bottom-up like any other
/// but at a place decided by what they hold: such a window spans its fixed children, rounded out
/// to the window granularity, and is itself a fixed child of its parent's window, recursively up
/// to bus 0. Its other children are packed around the fixed ones: first-fit in the gaps between
/// them (largest alignment first), then upward past the last; a reservation extends it upward.
extension BridgeDemand {
    static func fixedWindow(_ kind: WindowKind, bridge: String, children: [Request], minimum: UInt64, granule: UInt64,
                            canGoHigh: Bool, placed: inout [ResourceOwner: UInt64]) throws(LayoutError) -> Request {
        let fixed = children.filter { $0.fixed != nil }
        try IdentityConflicts.disjoint(fixed)
        let ranges = fixed.compactMap(\.fixedRange)
        let spanStart = alignDown(ranges.map(\.start).min()!, granule)
        let spanLimit = alignUp(ranges.map(\.limit).max()!, granule)
        for request in fixed { placed[request.owner] = request.fixed }
        // Past the span, up to any address: what does not fit below 2^phys_bits is found when the
        // window itself is checked against the address space (IdentityConflicts).
        let searchLimit = kind == .io ? IdentityConflicts.ioLimit : IdentityConflicts.searchLimit
        var allocator = RangeAllocator([AddressRange(start: spanStart, limit: max(searchLimit, spanLimit))], discipline: .firstFit,
                                       skipping: ranges)
        var end = spanLimit
        for request in children where request.fixed == nil {
            guard let address = allocator.allocate(size: request.size, alignment: request.alignment) else { continue }
            placed[request.owner] = address
            end = max(end, address + request.size)
        }
        let limit = max(alignUp(end, granule), spanStart + alignUp(minimum, granule))
        let window = Request(owner: .window(portID: bridge, kind), size: limit - spanStart, alignment: granule,
                             canGoHigh: canGoHigh, kindName: kind.rawValue, fixed: spanStart)
        if !canGoHigh && kind != .io && limit > FixedRanges.fourGiB {
            let holder = fixed.filter { $0.fixedRange!.limit > FixedRanges.fourGiB }.map(\.identityName).joined(separator: ", ")
            throw .identityConflict(resource: "\(bridge) \(kind.rawValue)", range: AddressRange(start: spanStart, limit: limit),
                                    problem: "must lie below 4G (a bridge's memory window is 32-bit: only 64-bit prefetchable BARs go in the prefetchable window) but holds \(holder)")
        }
        return window
    }
}
