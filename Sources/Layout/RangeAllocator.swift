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
            guard let base = Self.lowestPlace(in: range, size: size, alignment: alignment) else { continue }
            take(AddressRange(start: base, size: size), from: index, keepingBelow: discipline == .firstFit)
            return base
        }
        return nil
    }

    /// Cuts `piece` out of `free[index]`; `keepingBelow: false` also forgets every free byte below it.
    private mutating func take(_ piece: AddressRange, from index: Int, keepingBelow: Bool) {
        let range = free[index]
        var replacement: [AddressRange] = []
        if keepingBelow && piece.start > range.start {
            replacement.append(AddressRange(start: range.start, limit: piece.start))
        }
        if piece.limit < range.limit {
            replacement.append(AddressRange(start: piece.limit, limit: range.limit))
        }
        // A bump allocator forgets everything below where it just placed.
        let below = keepingBelow ? Array(free[..<index]) : []
        free = below + replacement + Array(free[(index + 1)...])
    }
}

extension RangeAllocator {
    /// The first piece of a block packed against one end of the free ranges: at the lowest or
    /// the highest aligned place, whichever leaves less unusable slack between it and its end
    /// (the bottom on a tie), so that what stays free lies on the other side in one piece.
    mutating func allocateAtEnd(size: UInt64, alignment: UInt64) -> UInt64? {
        guard let first = free.first, let last = free.last else { return nil }
        let lowest = firstPlace(size: size, alignment: alignment)
        let highest = lastPlace(size: size, alignment: alignment)
        let choice: UInt64?
        switch (lowest, highest) {
        case let (low?, high?): choice = low - first.start <= last.limit - (high + size) ? low : high
        default: choice = lowest ?? highest
        }
        guard let base = choice, let index = free.firstIndex(where: { $0.contains(AddressRange(start: base, size: size)) }) else { return nil }
        take(AddressRange(start: base, size: size), from: index, keepingBelow: true)
        return base
    }

    /// The place that grows `block` (everything packed so far) the least: a gap inside it first,
    /// else the aligned place nearest to either edge. On a tie the side with less free space is
    /// filled first, so that the larger free part stays whole (the block grows from the fixed
    /// ECAM toward the smaller side of the hole until that side is full).
    /// `endAligned`: the piece may instead have its end on an `alignment` boundary (a window laid
    /// out from its top, `Request.mayAlignEnd`).
    mutating func allocate(size: UInt64, alignment: UInt64, endAligned: Bool = false,
                           beside block: AddressRange) -> UInt64? {
        let freeBelow = free.reduce(0) { $0 + ($1.start < block.start ? min($1.limit, block.start) - $1.start : 0) }
        let freeAbove = free.reduce(0) { $0 + ($1.limit > block.limit ? $1.limit - max($1.start, block.limit) : 0) }
        var best: (growth: UInt64, sideFree: UInt64, base: UInt64, index: Int)?
        for (index, range) in free.enumerated() {
            let startAligned = [Self.lowestPlace(in: range, size: size, alignment: alignment),
                                Self.highestPlace(in: range, size: size, alignment: alignment)]
            let endPlaces = !endAligned ? [] : [Self.lowestEndPlace(in: range, size: size, alignment: alignment),
                                                Self.highestEndPlace(in: range, size: size, alignment: alignment)]
            for base in (startAligned + endPlaces).compactMap({ $0 }) {
                let growth = max(block.limit, base + size) - min(block.start, base) - block.size
                let sideFree = base < block.start ? freeBelow : base >= block.limit ? freeAbove : 0
                let candidate = (growth: growth, sideFree: sideFree, base: base, index: index)
                if best.map({ (candidate.growth, candidate.sideFree, candidate.base) < ($0.growth, $0.sideFree, $0.base) }) ?? true {
                    best = candidate
                }
            }
        }
        guard let best else { return nil }
        take(AddressRange(start: best.base, size: size), from: best.index, keepingBelow: true)
        return best.base
    }

    /// Takes `piece` if it lies in one free range; false (and nothing taken) otherwise.
    mutating func claim(_ piece: AddressRange) -> Bool {
        guard let index = free.firstIndex(where: { $0.contains(piece) }) else { return false }
        take(piece, from: index, keepingBelow: true)
        return true
    }

    /// Every free place in `region` whose start (or, with `endAligned`, whose end) is on a
    /// multiple of `step` (itself a multiple of `alignment`), lowest first.
    func places(size: UInt64, alignment: UInt64, endAligned: Bool, in region: AddressRange,
                step: UInt64) -> [UInt64] {
        var places: [UInt64] = []
        for range in free {
            guard let part = range.intersection(region), part.size >= size else { continue }
            var boundary = alignUp(part.start, step)
            while boundary <= part.limit {
                if boundary + size <= part.limit { places.append(boundary) }
                if endAligned, boundary >= part.start + size { places.append(boundary - size) }
                boundary += step
            }
        }
        return places.sorted()
    }

    private func firstPlace(size: UInt64, alignment: UInt64) -> UInt64? {
        free.lazy.compactMap { Self.lowestPlace(in: $0, size: size, alignment: alignment) }.first
    }

    private func lastPlace(size: UInt64, alignment: UInt64) -> UInt64? {
        free.reversed().lazy.compactMap { Self.highestPlace(in: $0, size: size, alignment: alignment) }.first
    }

    static func lowestPlace(in range: AddressRange, size: UInt64, alignment: UInt64) -> UInt64? {
        let base = alignUp(range.start, alignment)
        return base >= range.start && base <= range.limit && range.limit - base >= size ? base : nil
    }

    static func highestPlace(in range: AddressRange, size: UInt64, alignment: UInt64) -> UInt64? {
        guard range.size >= size else { return nil }
        let base = alignDown(range.limit - size, alignment)
        return base >= range.start ? base : nil
    }

    /// The lowest base in `range` whose end (base + size) is on an `alignment` boundary.
    static func lowestEndPlace(in range: AddressRange, size: UInt64, alignment: UInt64) -> UInt64? {
        guard range.size >= size else { return nil }
        let end = alignUp(range.start + size, alignment)
        return end >= range.start + size && end <= range.limit ? end - size : nil
    }

    /// The highest base in `range` whose end is on an `alignment` boundary.
    static func highestEndPlace(in range: AddressRange, size: UInt64, alignment: UInt64) -> UInt64? {
        let end = alignDown(range.limit, alignment)
        return end >= size && end - size >= range.start ? end - size : nil
    }
}
