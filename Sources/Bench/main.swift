// guestfw-bench: plan time and 32-bit hole efficiency, printed as numbers (never asserted).
import Foundation
import Layout
import VMConfig
import VMCorpus

/// The middle value; for an even count the mean of the two middle ones.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Median wall time of `runs` plans, in milliseconds.
func timePlans(_ config: MachineConfig, runs: Int) -> Double {
    let clock = ContinuousClock()
    let samples = (0..<runs).map { _ in
        let elapsed = clock.measure { _ = try? Planner.plan(config) }
        return Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
    }
    return median(samples)
}

/// The least any layout could use of the 32-bit hole: the ECAM plus every resource that must
/// live below 4 GiB, each window rounded to its granularity (the plan's windows already are).
func lowerBound(_ plan: Plan) -> UInt64 {
    let ecam = plan.ecam?.size ?? 0
    return plan.functions.reduce(ecam) { sum, function in
        let below = function.bdf.bus == 0 ? function.bars.filter { $0.kind == .mem32 || $0.kind == .rom }.map { max($0.size, 0x1000) } : []
        let window = function.windows?.mem?.size ?? 0
        return sum + below.reduce(0, +) + window
    }
}

/// From the lowest to the highest address used below 4 GiB (ECAM, BARs, windows).
func holeUsed(_ plan: Plan) -> UInt64 {
    var ranges: [AddressRange] = plan.ecam.map { [$0.range] } ?? []
    for function in plan.functions {
        if function.bdf.bus == 0 { ranges += function.bars.filter(\.kind.isMemory).compactMap(\.range) }
        ranges += [function.windows?.mem, function.windows?.pref].compactMap { $0 }
    }
    let low = ranges.filter { $0.limit <= FixedRanges.fourGiB }
    guard let first = low.map(\.start).min(), let last = low.map(\.limit).max() else { return 0 }
    return last - first
}

func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--boot" {
    guard let bench = BootBench(arguments: Array(arguments.dropFirst())) else {
        print("usage: guestfw-bench --boot GUESTFW TABLES KERNEL INITRD [--rounds N] [--only NAME,...]")
        exit(2)
    }
    do {
        try bench.run()
    } catch {
        print("boot timing failed: \(error.localizedDescription)")
        exit(1)
    }
    exit(0)
}

/// A mode of its own (`--corpus DIR`, `--build GUESTFW`): runs `body` with the one argument it
/// takes and exits (2 on bad usage, 1 when `body` fails).
func runMode(_ flag: String, _ operand: String, _ what: String, _ body: (String) throws -> Void) {
    guard arguments.first == flag else { return }
    guard arguments.count == 2 else {
        print("usage: guestfw-bench \(flag) \(operand)")
        exit(2)
    }
    do {
        try body(arguments[1])
    } catch {
        print("\(what) failed: \(error.localizedDescription)")
        exit(1)
    }
    exit(0)
}

// The generated descriptions the density figures below are taken over, as files to plan.
runMode("--corpus", "DIR", "writing the corpus") { directory in
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for entry in VMCorpus.entries() { try entry.toml.write(toFile: "\(directory)/\(entry.name).toml", atomically: true, encoding: .utf8) }
}
runMode("--build", "GUESTFW", "build timing") { try BuildTiming.print(guestfw: $0, runs: 21) }
runMode("--large-inputs", "GUESTFW", "large-input timing") { try benchLargeInputs(guestfw: $0) }

/// The generated 200-port VM (VMCorpus.ports): reading and validating it is part of every command.
let toml = VMCorpus.ports(200)
print("plan time (release build, median)")
for policy in PlacementPolicy.allCases {
    let defaultTime = timePlans(DefaultVM.config(policyOverride: policy), runs: 51)
    guard let large = try? ConfigLoader.load(text: toml, file: "ports-200.toml", policyOverride: policy) else { continue }
    let largeTime = timePlans(large, runs: 11)
    print("  \(pad(policy.rawValue, 10))  default VM \(String(format: "%8.3f", defaultTime)) ms   200 root ports + 150 devices \(String(format: "%8.3f", largeTime)) ms")
}

let readClock = ContinuousClock()
let readSamples = (0..<11).map { _ in
    let elapsed = readClock.measure { _ = try? ConfigLoader.load(text: toml, file: "generated.toml") }
    return Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
}
print("  read + validate the 200-port TOML (\(toml.utf8.count) bytes): \(String(format: "%.3f", median(readSamples))) ms")

let tables = arguments.first ?? "Tables"
let configs = ((try? FileManager.default.contentsOfDirectory(atPath: tables)) ?? []).sorted()
    .map { "\(tables)/\($0)/vm.toml" }.filter { FileManager.default.fileExists(atPath: $0) }
print("\n32-bit hole use (used span / lower bound: ECAM + 32-bit-only resources, windows rounded)")
print("  " + pad("config", 18) + pad("policy", 11) + pad("hole", 12) + pad("used", 12) + pad("bound", 12) + "used/bound")
for path in configs {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
    for policy in PlacementPolicy.allCases {
        let name = path.split(separator: "/").dropLast().last.map(String.init) ?? path
        guard let config = try? ConfigLoader.load(text: text, file: path, policyOverride: policy),
              let plan = try? Planner.plan(config) else {
            print("  " + pad(name, 18) + pad(policy.rawValue, 11) + "no layout")
            continue
        }
        let used = holeUsed(plan), bound = lowerBound(plan)
        let hole = FixedRanges.fourGiB - plan.memory.hole.start
        print("  " + pad(name, 18) + pad(policy.rawValue, 11) + pad(Quantity.format(hole), 12) + pad(Quantity.format(used), 12)
              + pad(Quantity.format(bound), 12) + String(format: "%.3f", Double(used) / Double(max(bound, 1))))
    }
}

HoleDensityReport.print()
