/// Finds a table's keys by name while a reader builds it, so that a duplicate key is caught: the
/// position (in source order) of each key, which the table itself stores.
///
/// A `[String: Int]` did this, but a hostile 50 MB file of ~4 million keys spent most of its
/// 5-7 s there: every time the dictionary grew it hashed every key again (SipHash, set up per
/// key), and it kept a copy of every key. Here each key is hashed once, and a bucket keeps the
/// bits of the hash that place it, so growing moves integers only; the keys stay in the caller's
/// table (the caller says whether the key at a position is the one asked for). Open addressing
/// with linear probing, at most 3/4 full; `Hasher` is seeded per process, so a file cannot be
/// made of keys that collide.
struct KeyIndex {
    /// 0 for an empty bucket, else the hash's high 32 bits (which pick the bucket and are
    /// compared before any key) above position + 1: a probe reads one word.
    private var buckets: [UInt64] = []
    private var count = 0

    /// Positions fit the low 32 bits of a bucket: a table of more keys than this would be a
    /// description of at least 16 GiB (4 bytes a key).
    static let maximumKeys = Int(UInt32.max) - 1

    /// The position of the key whose hash is `key.hashValue` and for which `isKey` holds.
    func position(of key: String, isKey: (Int) -> Bool) -> Int? {
        guard !buckets.isEmpty else { return nil }
        return probe(Self.tag(key), isKey).found
    }

    /// Records `key` at the next position (the number of keys so far) unless a key for which
    /// `isKey` holds is there already; returns that key's position, or nil when recorded.
    mutating func insertIfAbsent(_ key: String, isKey: (Int) -> Bool) -> Int? {
        if (count + 1) * 4 > buckets.count * 3 { grow() }
        let tag = Self.tag(key)
        let (found, bucket) = probe(tag, isKey)
        if let found { return found }
        count += 1
        buckets[bucket] = tag | UInt64(count)
        return nil
    }

    private static func tag(_ key: String) -> UInt64 { UInt64(UInt(bitPattern: key.hashValue)) & 0xFFFF_FFFF_0000_0000 }

    private static func start(_ tag: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: tag >> 32) & mask }

    /// The position found, or the empty bucket where the probe for `tag` ended.
    private func probe(_ tag: UInt64, _ isKey: (Int) -> Bool) -> (found: Int?, bucket: Int) {
        let mask = buckets.count - 1
        var bucket = Self.start(tag, mask: mask)
        while true {
            let stored = buckets[bucket]
            if stored == 0 { return (nil, bucket) }
            let position = Int(stored & 0xFFFF_FFFF) - 1
            if stored & 0xFFFF_FFFF_0000_0000 == tag && isKey(position) { return (position, bucket) }
            bucket = (bucket + 1) & mask
        }
    }

    private mutating func grow() {
        let size = max(8, buckets.count * 2)
        var grown = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        for stored in buckets where stored != 0 {
            var bucket = Self.start(stored & 0xFFFF_FFFF_0000_0000, mask: mask)
            while grown[bucket] != 0 { bucket = (bucket + 1) & mask }
            grown[bucket] = stored
        }
        buckets = grown
    }
}
