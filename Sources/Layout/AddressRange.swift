/// A half-open range of addresses [start, start + size), never empty.
public struct AddressRange: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var start: UInt64
    public var size: UInt64

    public init(start: UInt64, size: UInt64) {
        precondition(size > 0, "an address range is never empty")
        self.start = start
        self.size = size
    }

    public init(start: UInt64, limit: UInt64) {
        self.init(start: start, size: limit - start)
    }

    /// One past the last address.
    public var limit: UInt64 { start + size }
    /// The last address, as ACPI and plan.json write ranges.
    public var end: UInt64 { start + size - 1 }

    public func contains(_ other: AddressRange) -> Bool { other.start >= start && other.limit <= limit }
    public func contains(_ address: UInt64) -> Bool { address >= start && address < limit }
    public func overlaps(_ other: AddressRange) -> Bool { other.start < limit && start < other.limit }
    /// The addresses in both; nil when they do not overlap.
    public func intersection(_ other: AddressRange) -> AddressRange? {
        overlaps(other) ? AddressRange(start: max(start, other.start), limit: min(limit, other.limit)) : nil
    }

    public static func < (a: AddressRange, b: AddressRange) -> Bool { (a.start, a.size) < (b.start, b.size) }
    public var description: String { "[\(hex(start))-\(hex(end))]" }
}

extension AddressRange {
    /// What is left of `ranges` once every range of `taken` is cut out, in address order.
    public static func subtracting(_ taken: [AddressRange], from ranges: [AddressRange]) -> [AddressRange] {
        var left = ranges.sorted()
        for cut in taken.sorted() {
            left = left.flatMap { range -> [AddressRange] in
                guard range.overlaps(cut) else { return [range] }
                var pieces: [AddressRange] = []
                if range.start < cut.start { pieces.append(AddressRange(start: range.start, limit: cut.start)) }
                if cut.limit < range.limit { pieces.append(AddressRange(start: cut.limit, limit: range.limit)) }
                return pieces
            }
        }
        return left
    }
}

public func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

func alignUp(_ value: UInt64, _ alignment: UInt64) -> UInt64 {
    (value + alignment - 1) / alignment * alignment
}

func alignDown(_ value: UInt64, _ alignment: UInt64) -> UInt64 {
    value / alignment * alignment
}

enum Units {
    static let kiB: UInt64 = 1 << 10
    static let miB: UInt64 = 1 << 20
    static let giB: UInt64 = 1 << 30
    static let page: UInt64 = 4 * kiB
}
