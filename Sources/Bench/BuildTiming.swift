import Foundation
import Layout
import VMConfig
import VMCorpus

#if canImport(Glibc)
import Glibc
#endif

/// `guestfw build` and `guestfw plan` as a user runs them (the release executable, a process per
/// run), on generated VMs of 10, 50, 100 and 200 root ports: median wall time over many runs and
/// the peak resident memory of the build (guestfw and the iasl it waits for), and the planner
/// alone in this process.
enum BuildTiming {
    struct Run {
        var milliseconds: Double
        /// User and system CPU time of the child and its waited-for children: what the machine's
        /// load does not inflate.
        var cpuMilliseconds: Double
        /// ru_maxrss of the child and the descendants it waited for, in KiB.
        var peakKiB: Int
        var status: Int32
    }

    static let sizes = [10, 50, 100, 200]

    static func print(guestfw: String, runs: Int) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("guestfw-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        Swift.print("\nguestfw build / plan (release executable, median of \(runs) runs each, load average \(loadAverage()))")
        Swift.print("  " + pad("root ports", 12) + pad("build ms", 10) + pad("(cpu)", 8) + pad("plan ms", 9) + pad("(cpu)", 8)
                    + pad("planner ms", 12) + "build peak RSS")
        for ports in sizes {
            let vm = scratch.appendingPathComponent("ports-\(ports).toml").path
            try VMCorpus.ports(ports).write(toFile: vm, atomically: true, encoding: .utf8)
            let out = scratch.appendingPathComponent("out").path
            var builds: [Run] = [], plans: [Run] = []
            for _ in 0..<runs {
                builds.append(try spawn(guestfw, ["build", vm, "-o", out]))
                plans.append(try spawn(guestfw, ["plan", vm, "--json"]))
            }
            if let failed = (builds + plans).first(where: { $0.status != 0 }) {
                Swift.print("  \(ports): guestfw exited with status \(failed.status)")
                continue
            }
            let config = try ConfigLoader.load(text: VMCorpus.ports(ports), file: vm)
            let planner = timePlans(config, runs: runs)
            let peak = builds.map(\.peakKiB).max() ?? 0
            Swift.print("  " + pad("\(ports)", 12) + pad(String(format: "%.1f", median(builds.map(\.milliseconds))), 10)
                        + pad(String(format: "%.1f", median(builds.map(\.cpuMilliseconds))), 8)
                        + pad(String(format: "%.1f", median(plans.map(\.milliseconds))), 9)
                        + pad(String(format: "%.1f", median(plans.map(\.cpuMilliseconds))), 8) + pad(String(format: "%.2f", planner), 12)
                        + String(format: "%.1f MiB", Double(peak) / 1024))
        }
    }

    /// Runs `executable` with standard output and error to /dev/null and waits for it with wait4,
    /// which reports its peak RSS (and its waited-for children's).
    static func spawn(_ executable: String, _ arguments: [String]) throws -> Run {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let clock = ContinuousClock()
        let start = clock.now
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: executable]) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = clock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        func ms(_ time: timeval) -> Double { Double(time.tv_sec) * 1e3 + Double(time.tv_usec) / 1e3 }
        return Run(milliseconds: milliseconds, cpuMilliseconds: ms(usage.ru_utime) + ms(usage.ru_stime),
                   peakKiB: usage.ru_maxrss, status: exitStatus)
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
    }
}
