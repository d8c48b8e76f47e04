import Foundation
import VMCorpus

/// Issue 12: a 50 MB description of millions of unknown keys, as TOML and as JSON, must be read
/// and refused in under 2 s with bounded memory (the readers stop at their key limit). Each runs
/// `guestfw plan` as its own process, so the peak RSS printed is that run's alone.
func benchLargeInputs(guestfw: String) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guestfw-bench-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    print("50 MB of unknown keys, and a 50 MB JSON array, read and refused by `guestfw plan` (wall time, peak RSS)")
    for (name, bytes) in [("vm.toml", LargeInputs.unknownKeysTOML().bytes), ("vm.json", LargeInputs.unknownKeysJSON().bytes),
                          ("array.json", LargeInputs.numbersJSON().bytes)] {
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let run = try BuildTiming.spawn(guestfw, ["plan", path])
        print("  \(pad(name, 8)) \(bytes.count / 1_000_000) MB: \(String(format: "%.2f", run.milliseconds / 1000)) s, "
              + "\(run.peakKiB / 1024) MiB, exit \(run.status)")
    }
}
