import VMConfig

/// Who a resource belongs to, so that a placement can be written back to its function.
enum ResourceOwner: Hashable {
    case bar(id: String, index: Int)
    case window(portID: String, WindowKind)
    case ecam
}

enum WindowKind: String, Hashable {
    case io = "io-window", mem = "mem-window", pref = "pref-window"
}

/// One thing to place in an address space: a BAR, a whole bridge window, or the ECAM.
struct Request: Hashable {
    var owner: ResourceOwner
    var size: UInt64
    var alignment: UInt64
    /// Whether it may live above 4 GiB (64-bit BARs, prefetchable bridge windows).
    var canGoHigh: Bool
    var kindName: String
    /// Where a firmware scanning bus 0 meets it: devfn * 8 + BAR index (the ROM is index 6).
    /// hvmloader keeps equal sizes in this order; Int.max for what no bus 0 scan finds.
    var scanOrder: Int = .max
    /// The address it must have, decided before any policy runs: an identity BAR's host address,
    /// or the base of a window that holds identity BARs (FixedWindows.swift). Policies place
    /// nothing else over its `fixedRange`.
    var fixed: UInt64? = nil
}

/// What one bridge needs below it, sized bottom-up: its windows hold the BARs of the functions
/// on its secondary bus, the BARs of the bridges there, and those bridges' own windows, so a
/// window is just another resource of its parent (the shape of SeaBIOS's pciinit).
struct BridgeDemand {
    var bridgeID: String
    var io: Request?
    var mem: Request?
    var pref: Request?
    /// What each window holds, in placement order.
    var ioChildren: [Request]
    var memChildren: [Request]
    var prefChildren: [Request]
    /// The bridges on its secondary bus.
    var children: [BridgeDemand]
    /// True when the I/O window is only there because of the hot-plug default.
    var ioIsDefaultOnly: Bool
    /// The children of its fixed windows with the addresses decided with them, bottom-up.
    var placedChildren: [ResourceOwner: UInt64] = [:]

    /// This bridge and every bridge below it, parents first.
    var all: [BridgeDemand] { [self] + children.flatMap(\.all) }
}

enum Granule {
    static let ioWindow: UInt64 = 0x1000
    static let memWindow: UInt64 = Units.miB
}

extension Request {
    /// A BAR as it must be placed: naturally aligned, memory BARs on a page of their own
    /// (passthrough maps pages, not bytes).
    /// `ownPage: false` keeps a sub-page memory BAR at its own size, as hvmloader on Xen does.
    init(bar: BARSpec, owner id: String, scanOrder: Int = .max, ownPage: Bool = true, fixed: UInt64? = nil) {
        let size = bar.kind == .io || !ownPage ? bar.size : max(bar.size, Units.page)
        self.init(owner: .bar(id: id, index: bar.index), size: size, alignment: size,
                  canGoHigh: bar.kind == .mem64, kindName: bar.kind.rawValue, scanOrder: scanOrder, fixed: fixed)
    }

    var isIO: Bool { kindName == BARKind.io.rawValue || kindName == WindowKind.io.rawValue }

    /// A memory window whose size is no multiple of its alignment (128 MiB + 3 MiB) may be laid
    /// out from its top instead: its children mirrored, so that its end, not its start, is on the
    /// alignment boundary and the tail lies below the aligned part (Planner.fillWindows).
    var mayAlignEnd: Bool {
        guard case .window(_, let kind) = owner, kind != .io else { return false }
        return fixed == nil && size % alignment != 0
    }

    /// What a fixed request keeps from everything else: its range, a memory BAR's rounded out to
    /// whole pages (passthrough maps pages). The planner has checked it lies below 2^phys_bits.
    var fixedRange: AddressRange? {
        guard let fixed else { return nil }
        let granule = isIO || IOPlacement.isWindow(self) ? 1 : Units.page
        return AddressRange(start: alignDown(fixed, granule), limit: alignUp(fixed + size, granule))
    }
}

/// Orders requests so that packing them in turn from an aligned start leaves no gaps: largest
/// alignment first, then largest size, then a stable key so that output never depends on input order.
func placementOrder(_ a: Request, _ b: Request) -> Bool {
    if a.alignment != b.alignment { return a.alignment > b.alignment }
    if a.size != b.size { return a.size > b.size }
    return a.owner.precedes(b.owner)
}

extension ResourceOwner {
    /// The ECAM, then windows by port id and kind, then BARs by function id and index, compared
    /// in place (building a key string per comparison was most of the planner's sorting time).
    func precedes(_ other: ResourceOwner) -> Bool {
        switch (self, other) {
        case (.ecam, .ecam): false
        case (.ecam, _): true
        case (_, .ecam): false
        case let (.window(a, aKind), .window(b, bKind)): a != b ? a < b : aKind.rawValue < bKind.rawValue
        case (.window, .bar): true
        case (.bar, .window): false
        case let (.bar(a, aIndex), .bar(b, bIndex)): a != b ? a < b : aIndex < bIndex
        }
    }

    var id: String {
        switch self {
        case .ecam: "ecam"
        case .window(let id, _), .bar(let id, _): id
        }
    }
}

extension BridgeDemand {
    init(_ bridge: Topology.Bridge) throws(LayoutError) {
        children = try bridge.bridges.map { child throws(LayoutError) in try BridgeDemand(child) }
        let bars = bridge.endpoints.flatMap { child in child.bars.map { ($0, Request(bar: $0, owner: child.id, fixed: child.identity[$0.index])) } }
            + bridge.bridges.flatMap { child in child.model.bars.map { ($0, Request(bar: $0, owner: child.id)) } }
        // Only 64-bit prefetchable BARs go in the prefetchable window, so it can always be 64-bit;
        // a 32-bit prefetchable BAR lives in the memory window, which Linux accepts.
        let inPref = { (bar: BARSpec) in bar.kind == .mem64 && bar.prefetchable }
        ioChildren = (bars.filter { $0.0.kind == .io }.map(\.1) + children.compactMap(\.io)).sorted(by: placementOrder)
        prefChildren = (bars.filter { inPref($0.0) }.map(\.1) + children.compactMap(\.pref)).sorted(by: placementOrder)
        memChildren = (bars.filter { $0.0.kind != .io && !inPref($0.0) }.map { var request = $0.1; request.canGoHigh = false; return request }
            + children.compactMap(\.mem)).sorted(by: placementOrder)
        bridgeID = bridge.id
        let reserve = bridge.effectiveReserve
        var placed: [ResourceOwner: UInt64] = [:]
        io = try BridgeDemand.window(.io, bridge: bridgeID, children: ioChildren, minimum: reserve.io ?? 0, granule: Granule.ioWindow,
                                     canGoHigh: false, placed: &placed)
        mem = try BridgeDemand.window(.mem, bridge: bridgeID, children: memChildren, minimum: reserve.mem ?? 0, granule: Granule.memWindow,
                                      canGoHigh: false, placed: &placed)
        pref = try BridgeDemand.window(.pref, bridge: bridgeID, children: prefChildren, minimum: reserve.pref64 ?? 0, granule: Granule.memWindow,
                                       canGoHigh: true, placed: &placed)
        placedChildren = placed
        ioIsDefaultOnly = ioChildren.isEmpty && bridge.reserve.io == nil && bridge.isPort && bridge.hotplug
    }

    /// A window large enough for its children packed in placement order, rounded to the
    /// window granularity, and no smaller than the reservation; nil when nothing needs it.
    /// A window holding fixed children is fixed itself (FixedWindows.swift); `placed` receives
    /// the addresses of its children, decided with it.
    static func window(_ kind: WindowKind, bridge: String, children: [Request], minimum: UInt64,
                       granule: UInt64, canGoHigh: Bool, placed: inout [ResourceOwner: UInt64]) throws(LayoutError) -> Request? {
        if children.contains(where: { $0.fixed != nil }) {
            return try fixedWindow(kind, bridge: bridge, children: children, minimum: minimum, granule: granule,
                                   canGoHigh: canGoHigh, placed: &placed)
        }
        let packed = packedSize(children)
        let size = max(alignUp(packed, granule), alignUp(minimum, granule))
        guard size > 0 else { return nil }
        let alignment = max(granule, children.map(\.alignment).max() ?? 0)
        return Request(owner: .window(portID: bridge, kind), size: size, alignment: alignment,
                       canGoHigh: canGoHigh, kindName: kind.rawValue)
    }
}

/// The span of requests laid one after another, each aligned, in the given order.
func packedSize(_ requests: [Request]) -> UInt64 {
    requests.reduce(0) { offset, request in alignUp(offset, request.alignment) + request.size }
}

extension Topology.Bridge {
    /// The reservation in force: explicit values, else the hot-plug defaults for a hot-pluggable
    /// port (what Linux would otherwise add itself, reassigning), else nothing.
    var effectiveReserve: Reservation {
        let fallback = hotplug ? Reservation.hotplugDefault : Reservation(buses: 1, io: 0, mem: 0, pref64: 0)
        return Reservation(buses: reserve.buses ?? fallback.buses, io: reserve.io ?? fallback.io,
                           mem: reserve.mem ?? fallback.mem, pref64: reserve.pref64 ?? fallback.pref64)
    }
}
