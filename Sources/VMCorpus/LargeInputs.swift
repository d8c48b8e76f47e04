/// The hostile large descriptions that `make bench` times and the hostile-input tests refuse:
/// one generator, so both measure and check the same bytes.
public enum LargeInputs {
    /// `head`, then `item(0)`, `item(1)`, ... until `size` bytes, then `tail`; and how many items.
    public static func repeated(head: String, size: Int, tail: String = "", item: (Int) -> String) -> (bytes: [UInt8], count: Int) {
        var bytes = Array(head.utf8)
        bytes.reserveCapacity(size + tail.utf8.count + 64)
        var index = 0
        while bytes.count < size {
            bytes += item(index).utf8
            index += 1
        }
        return (bytes + tail.utf8, index)
    }

    /// `memory = "2G"` then `k0 = 1`, `k1 = 1`, ... (about 3.9 million keys in 50 MB).
    public static func unknownKeysTOML(size: Int = 50_000_000) -> (bytes: [UInt8], count: Int) {
        repeated(head: "memory = \"2G\"\n", size: size) { "k\($0) = 1\n" }
    }

    /// The same as one JSON object: `{"memory": "2G", "k0": 1, ...}` (about 3.4 million keys in 50 MB).
    public static func unknownKeysJSON(size: Int = 50_000_000) -> (bytes: [UInt8], count: Int) {
        repeated(head: "{\"memory\": \"2G\"", size: size, tail: "}\n") { ", \"k\($0)\": 1" }
    }

    /// `{"memory": "2G", "a": [1,1,...]}`: some 25 million array elements in 50 MB.
    public static func numbersJSON(size: Int = 50_000_000) -> (bytes: [UInt8], count: Int) {
        repeated(head: "{\"memory\": \"2G\", \"a\": [", size: size, tail: "1]}\n") { _ in "1," }
    }
}
