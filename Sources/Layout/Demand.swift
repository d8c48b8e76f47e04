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
    init(bar: BARSpec, owner id: String, scanOrder: Int = .max, ownPage: Bool = true) {
        let size = bar.kind == .io || !ownPage ? bar.size : max(bar.size, Units.page)
        self.init(owner: .bar(id: id, index: bar.index), size: size, alignment: size,
                  canGoHigh: bar.kind == .mem64, kindName: bar.kind.rawValue, scanOrder: scanOrder)
    }

    var isIO: Bool { kindName == BARKind.io.rawValue || kindName == WindowKind.io.rawValue }
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
    init(_ bridge: Topology.Bridge) {
        children = bridge.bridges.map(BridgeDemand.init)
        let bars = bridge.endpoints.flatMap { child in child.bars.map { (child.id, $0) } }
            + bridge.bridges.flatMap { child in child.model.bars.map { (child.id, $0) } }
        // Only 64-bit prefetchable BARs go in the prefetchable window, so it can always be 64-bit;
        // a 32-bit prefetchable BAR lives in the memory window, which Linux accepts.
        let inPref = { (bar: BARSpec) in bar.kind == .mem64 && bar.prefetchable }
        ioChildren = (bars.filter { $0.1.kind == .io }.map { Request(bar: $0.1, owner: $0.0) }
            + children.compactMap(\.io)).sorted(by: placementOrder)
        prefChildren = (bars.filter { inPref($0.1) }.map { Request(bar: $0.1, owner: $0.0) }
            + children.compactMap(\.pref)).sorted(by: placementOrder)
        memChildren = (bars.filter { $0.1.kind != .io && !inPref($0.1) }
            .map { var request = Request(bar: $0.1, owner: $0.0); request.canGoHigh = false; return request }
            + children.compactMap(\.mem)).sorted(by: placementOrder)
        bridgeID = bridge.id
        let reserve = bridge.effectiveReserve
        io = BridgeDemand.window(.io, bridge: bridgeID, children: ioChildren, minimum: reserve.io ?? 0, granule: Granule.ioWindow, canGoHigh: false)
        mem = BridgeDemand.window(.mem, bridge: bridgeID, children: memChildren, minimum: reserve.mem ?? 0, granule: Granule.memWindow, canGoHigh: false)
        pref = BridgeDemand.window(.pref, bridge: bridgeID, children: prefChildren, minimum: reserve.pref64 ?? 0, granule: Granule.memWindow, canGoHigh: true)
        ioIsDefaultOnly = ioChildren.isEmpty && bridge.reserve.io == nil && bridge.isPort && bridge.hotplug
    }

    /// A window large enough for its children packed in placement order, rounded to the
    /// window granularity, and no smaller than the reservation; nil when nothing needs it.
    static func window(_ kind: WindowKind, bridge: String, children: [Request], minimum: UInt64,
                       granule: UInt64, canGoHigh: Bool) -> Request? {
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
