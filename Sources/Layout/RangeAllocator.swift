/// Hands out naturally aligned pieces of a set of free ranges.
///
/// Two disciplines, matching the two policies: `.bump` moves a cursor upward and never goes back,
/// as hvmloader allocates (gaps left by alignment stay empty); `.firstFit` takes the lowest
/// aligned place in any gap, as a toolstack that knows everything in advance can.
struct RangeAllocator {
    enum Discipline { case bump, firstFit }

    private(set) var free: [AddressRange]
    let discipline: Discipline

    /// `skipping`: ranges already taken (identity BARs and the windows fixed around them), never
    /// handed out; a bump cursor jumps past them.
    init(_ ranges: [AddressRange], discipline: Discipline, skipping taken: [AddressRange] = []) {
        free = AddressRange.subtracting(taken, from: ranges)
        self.discipline = discipline
    }

    /// Total free bytes left.
    var available: UInt64 { free.reduce(0) { $0 + $1.size } }

    mutating func allocate(size: UInt64, alignment: UInt64) -> UInt64? {
        for (index, range) in free.enumerated() {
            let base = alignUp(range.start, alignment)
            guard base >= range.start, base <= range.limit, range.limit - base >= size else { continue }
            take(AddressRange(start: base, size: size), from: index)
            return base
        }
        return nil
    }

    private mutating func take(_ piece: AddressRange, from index: Int) {
        let range = free[index]
        var replacement: [AddressRange] = []
        if discipline == .firstFit && piece.start > range.start {
            replacement.append(AddressRange(start: range.start, limit: piece.start))
        }
        if piece.limit < range.limit {
            replacement.append(AddressRange(start: piece.limit, limit: range.limit))
        }
        // A bump allocator forgets everything below where it just placed.
        let below = discipline == .bump ? [] : Array(free[..<index])
        free = below + replacement + Array(free[(index + 1)...])
    }
}
