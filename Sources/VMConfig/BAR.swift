/// The kinds of base address register a function can have. `rom` is the expansion ROM (bar 6).
public enum BARKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case io, mem32, mem64, rom

    public static func < (lhs: BARKind, rhs: BARKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var isMemory: Bool { self != .io }
}

/// One BAR as the hardware presents it: what a firmware learns by sizing it.
public struct BARSpec: Sendable, Hashable {
    /// 0...5 for the standard BARs, 6 for the expansion ROM.
    public var index: Int
    public var kind: BARKind
    public var size: UInt64
    public var prefetchable: Bool

    public init(index: Int, kind: BARKind, size: UInt64, prefetchable: Bool = false) {
        self.index = index
        self.kind = kind
        self.size = size
        self.prefetchable = prefetchable
    }

    public static let romIndex = 6
}
