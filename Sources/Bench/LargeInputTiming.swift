import Foundation

/// Issue 12: a 50 MB description of millions of unknown keys, as TOML and as JSON, must be read
/// and refused in under 2 s with bounded memory (the readers stop at their key limit). Each runs
/// `guestfw plan` as its own process, so the peak RSS printed is that run's alone.
func benchLargeInputs(guestfw: String) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guestfw-bench-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    print("50 MB of unknown keys, and a 50 MB JSON array, read and refused by `guestfw plan` (wall time, peak RSS)")
    for (name, bytes) in [("vm.toml", unknownKeysTOML()), ("vm.json", unknownKeysJSON()), ("array.json", numbersJSON())] {
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let run = try BuildTiming.spawn(guestfw, ["plan", path])
        print("  \(pad(name, 8)) \(bytes.count / 1_000_000) MB: \(String(format: "%.2f", run.milliseconds / 1000)) s, "
              + "\(run.peakKiB / 1024) MiB, exit \(run.status)")
    }
}

/// `memory = "2G"` then `k0 = 1`, `k1 = 1`, ... up to 50 MB (about 3.9 million keys).
func unknownKeysTOML() -> [UInt8] {
    unknownKeys(head: "memory = \"2G\"\n", tail: "") { "k\($0) = 1\n" }
}

/// The same as one JSON object: `{"memory": "2G", "k0": 1, ...}` (about 3.4 million keys).
func unknownKeysJSON() -> [UInt8] {
    unknownKeys(head: "{\"memory\": \"2G\"", tail: "}\n") { ", \"k\($0)\": 1" }
}

/// `{"memory": "2G", "a": [1,1,...]}`: some 25 million array elements, refused at the element limit.
func numbersJSON() -> [UInt8] {
    unknownKeys(head: "{\"memory\": \"2G\", \"a\": [", tail: "1]}\n") { _ in "1," }
}

/// `head`, then `key(0)`, `key(1)`, ... until `size` bytes, then `tail`.
func unknownKeys(size: Int = 50_000_000, head: String, tail: String, key: (Int) -> String) -> [UInt8] {
    var bytes = Array(head.utf8)
    bytes.reserveCapacity(size + 64)
    var index = 0
    while bytes.count < size {
        bytes += key(index).utf8
        index += 1
    }
    return bytes + tail.utf8
}
