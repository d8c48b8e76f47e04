import Foundation

/// Wall-clock milestones of one QEMU boot, in seconds since QEMU was started (which is as near
/// to the CPU's reset as a host can see). A milestone is the first console line containing its text.
struct BootMilestones {
    var firmwareFirstLine: Double?
    var kernelEntry: Double?
    var kernelFirstLine: Double?
    var initReached: Double?
    var exited: Double
    var status: Int32
}

enum BootTiming {
    static let firmwareReset = "guestfw firmware: reset"
    static let kernelEntryMarker = "guestfw firmware: starting Linux"
    static let initMarker = "==== guestfw:begin ===="
    static let deadline: Double = 180

    /// Runs a QEMU command line (as `guestfw qemu-args` prints it) through /bin/sh and stamps its
    /// console lines as they arrive.
    static func boot(_ commandLine: String) throws -> BootMilestones {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec " + commandLine]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let start = Date()
        try process.run()
        var milestones = BootMilestones(exited: 0, status: 0)
        var pending = Data()
        let handle = output.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty || Date().timeIntervalSince(start) > deadline { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                stamp(line, at: Date().timeIntervalSince(start), into: &milestones)
            }
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        milestones.exited = Date().timeIntervalSince(start)
        milestones.status = process.terminationStatus
        return milestones
    }

    static func stamp(_ line: String, at time: Double, into milestones: inout BootMilestones) {
        if milestones.firmwareFirstLine == nil, line.contains(firmwareReset) { milestones.firmwareFirstLine = time }
        if milestones.kernelEntry == nil, line.contains(kernelEntryMarker) { milestones.kernelEntry = time }
        // The kernel's first console line is its banner, stamped "[    0.000000]".
        if milestones.kernelFirstLine == nil, line.contains("Linux version") { milestones.kernelFirstLine = time }
        if milestones.initReached == nil, line.contains(initMarker) { milestones.initReached = time }
    }

    /// QEMU's own firmware for the same machine: the line without `-bios FILE`.
    static func withoutBios(_ commandLine: String) -> String {
        var words = commandLine.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if let index = words.firstIndex(of: "-bios"), index + 1 < words.count { words.removeSubrange(index...index + 1) }
        return words.joined(separator: " ")
    }
}

/// `guestfw-bench --boot GUESTFW VM.toml KERNEL INITRD`: reset → kernel entry → first kernel line
/// → init → power-off, with guestfw's image and with SeaBIOS, median of a few boots each.
func benchBoot(guestfw: String, config: String, kernel: String, initrd: String, runs: Int = 3) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guestfw-bench-\(getpid())")
    defer { try? FileManager.default.removeItem(at: directory) }
    try runTool(guestfw, ["build", config, "-o", directory.path])
    let line = try runTool(guestfw, ["qemu-args", config, "--firmware", directory.appendingPathComponent("firmware.bin").path,
                                     "--kernel", kernel, "--initrd", initrd, "--append", "console=ttyS0 panic=-1"])
        .trimmingCharacters(in: .whitespacesAndNewlines)
    print("\nboot timing of \(config) under TCG (seconds from QEMU start, median of \(runs) boots)")
    print("  " + pad("firmware", 10) + pad("fw start", 10) + pad("kernel entry", 14) + pad("kernel banner", 15)
          + pad("init", 8) + pad("power-off", 11) + "exit")
    for (name, commandLine) in [("guestfw", line), ("SeaBIOS", BootTiming.withoutBios(line))] {
        let boots = try (0..<runs).map { _ in try BootTiming.boot(commandLine) }
        func column(_ key: KeyPath<BootMilestones, Double?>) -> String {
            let values = boots.compactMap { $0[keyPath: key] }
            return values.count == boots.count ? String(format: "%.3f", median(values)) : "-"
        }
        let exits = boots.map(\.status)
        print("  " + pad(name, 10) + pad(column(\.firmwareFirstLine), 10) + pad(column(\.kernelEntry), 14)
              + pad(column(\.kernelFirstLine), 15) + pad(column(\.initReached), 8)
              + pad(String(format: "%.3f", median(boots.map(\.exited))), 11) + exits.map(String.init).joined(separator: ","))
    }
    print("  (SeaBIOS prints nothing on the serial console: its reset and kernel-entry columns stay empty)")
}

@discardableResult
func runTool(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw NSError(domain: "guestfw-bench", code: Int(process.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: "\(executable) \(arguments.joined(separator: " ")) failed"])
    }
    return String(decoding: data, as: UTF8.self)
}
