/// The byte ranges of an ELF file already taken, for placing what is added or grows. Things keep
/// their offset when they still fit there, so that unchanged parts stay byte-for-byte where
/// they were; what does not fit goes after everything else.
struct FileSpace {
    private(set) var used: [Range<UInt64>]

    init(used: [Range<UInt64>]) { self.used = used.filter { !$0.isEmpty } }

    var end: UInt64 { used.map(\.upperBound).max() ?? 0 }

    func isFree(_ range: Range<UInt64>) -> Bool { !used.contains { $0.overlaps(range) } }

    /// `preferred` if `size` bytes there are free, otherwise the end of the file.
    mutating func claim(size: UInt64, preferring preferred: UInt64, alignment: UInt64) -> UInt64 {
        let offset = isFree(preferred..<preferred + size) ? preferred : FileSpace.alignUp(end, alignment)
        take(offset, size)
        return offset
    }

    /// A new place at the end whose offset is congruent to `address` modulo `alignment`, as a
    /// loadable segment's must be (p_offset ≡ p_vaddr mod p_align).
    mutating func claimAtEnd(size: UInt64, congruentTo address: UInt64, alignment: UInt64) -> UInt64 {
        let start = end
        let offset = start + (address &- start) % alignment
        take(offset, size)
        return offset
    }

    mutating func claimAtEnd(size: UInt64, alignment: UInt64) -> UInt64 {
        let offset = FileSpace.alignUp(end, alignment)
        take(offset, size)
        return offset
    }

    mutating func take(_ range: Range<UInt64>) {
        if !range.isEmpty { used.append(range) }
    }

    private mutating func take(_ offset: UInt64, _ size: UInt64) {
        take(offset..<offset + size)
    }

    static func alignUp(_ value: UInt64, _ alignment: UInt64) -> UInt64 {
        alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment
    }
}
