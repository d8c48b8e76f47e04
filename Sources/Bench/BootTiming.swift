import Foundation

/// What one QEMU boot showed: wall-clock milestones in seconds since QEMU was started (as near
/// to the CPU's reset as a host can see), each the arrival of the first console line holding its
/// text; QEMU's own CPU time; and the kernel lines saying Linux placed a resource itself.
struct BootMilestones {
    var firmwareFirstLine: Double?
    var kernelEntry: Double?
    var kernelBanner: Double?
    var initReached: Double?
    /// The kernel's own clock (its printk stamp) when it starts /init.
    var kernelInitStamp: Double?
    var poweredDown = false
    var exited: Double = 0
    var status: Int32 = 0
    /// User + system seconds QEMU used: less shaken than wall time by other work on the machine.
    var cpu: Double = 0
    /// Distinct kernel lines (console and dmesg repeat them) in which Linux assigned something.
    var assignments = Set<String>()

    /// Init ran and the guest powered itself off through ACPI, QEMU leaving with status 0.
    var completed: Bool { initReached != nil && poweredDown && status == 0 }
}

enum BootTiming {
    static let firmwareReset = "guestfw firmware: reset"
    static let kernelEntryMarker = "guestfw firmware: starting Linux"
    static let initMarker = "==== guestfw:begin ===="
    static let initStampMarker = "Run /init as init process"
    static let powerDownMarker = "reboot: Power down"
    /// As the boot tests' default: TCG on a shared machine can be several times slower than idle.
    static let deadline: Double = 180

    /// Runs a QEMU command line (as `guestfw qemu-args` prints it) through /bin/sh and stamps its
    /// console lines as they arrive. QEMU is killed at the deadline, which ends the reading.
    static func boot(_ commandLine: String) throws -> BootMilestones {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec " + commandLine]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let cpuBefore = childrenCPU()
        let start = Date()
        try process.run()
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + deadline) { if process.isRunning { kill(pid, SIGKILL) } }
        var milestones = BootMilestones()
        var pending = Data()
        let handle = output.fileHandleForReading
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                stamp(line, at: Date().timeIntervalSince(start), into: &milestones)
            }
        }
        process.waitUntilExit()
        milestones.exited = Date().timeIntervalSince(start)
        milestones.status = process.terminationStatus
        milestones.cpu = childrenCPU() - cpuBefore
        return milestones
    }

    static func stamp(_ line: String, at time: Double, into milestones: inout BootMilestones) {
        if milestones.firmwareFirstLine == nil, line.contains(firmwareReset) { milestones.firmwareFirstLine = time }
        if milestones.kernelEntry == nil, line.contains(kernelEntryMarker) { milestones.kernelEntry = time }
        // The kernel's first console line is its banner, stamped "[    0.000000]".
        if milestones.kernelBanner == nil, line.contains("Linux version") { milestones.kernelBanner = time }
        if milestones.initReached == nil, line.contains(initMarker) { milestones.initReached = time }
        if milestones.kernelInitStamp == nil, line.contains(initStampMarker) { milestones.kernelInitStamp = kernelStamp(line) }
        if line.contains(powerDownMarker) { milestones.poweredDown = true }
        if isAssignment(line) { milestones.assignments.insert(line.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// "pci 0000:00:10.0: BAR 0 [mem ...]: assigned", "bridge window [io ...]: assigned" or 6.1's
    /// older "BAR 13: assigned [io ...]": the kernel's words when it placed a resource itself,
    /// read the way Tests/BootTests' complaints read them.
    static func isAssignment(_ line: String) -> Bool {
        line.firstMatch(of: #/ pci [0-9a-f]{4}:[0-9a-f:.]+: .*\bassigned\b/#) != nil
    }

    /// The seconds of a kernel line's "[    3.391119]" stamp.
    static func kernelStamp(_ line: String) -> Double? {
        line.firstMatch(of: #/\[\s*([0-9]+\.[0-9]+)\]/#).flatMap { Double($0.1) }
    }

    /// User + system seconds of every child this process has waited for.
    static func childrenCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// The three firmwares booted side by side on guestfw's QEMU line, which only their `-bios` tells
/// apart: guestfw's image, QEMU's default (SeaBIOS, no `-bios`) and qboot. SeaBIOS and qboot take
/// their ACPI tables from QEMU's fw_cfg, which the line leaves on: nothing else needs changing.
enum BootFirmware: String, CaseIterable {
    case guestfw
    case seaBIOS = "SeaBIOS"
    case qboot

    static let qbootImage = "/usr/share/qemu/qboot.rom"

    /// qboot comes with Debian's qemu-system-data; without it the table has two firmwares.
    static var available: [BootFirmware] {
        guard !FileManager.default.fileExists(atPath: qbootImage) else { return allCases }
        print("  qboot: no \(qbootImage) (Debian's qemu-system-data), left out")
        return allCases.filter { $0 != .qboot }
    }

    /// guestfw's line with this firmware's `-bios` (guestfw's line is returned as it is).
    func line(from guestfwLine: String) -> String {
        switch self {
        case .guestfw: guestfwLine
        case .seaBIOS: Self.replacingBios(in: guestfwLine, with: nil)
        case .qboot: Self.replacingBios(in: guestfwLine, with: Self.qbootImage)
        }
    }

    /// The word after `-bios` replaced by `image`, or both words taken out for nil. qemu-args
    /// writes the image's path as one word (the bench's scratch path has no spaces).
    static func replacingBios(in commandLine: String, with image: String?) -> String {
        var words = commandLine.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard let index = words.firstIndex(of: "-bios"), index + 1 < words.count else { return commandLine }
        if let image { words[index + 1] = image } else { words.removeSubrange(index...index + 1) }
        return words.joined(separator: " ")
    }
}

@discardableResult
func runTool(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let reason = String(decoding: message, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        throw NSError(domain: "guestfw-bench", code: Int(process.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: "\(URL(fileURLWithPath: executable).lastPathComponent) \(arguments.first ?? ""): \(reason)"])
    }
    return String(decoding: data, as: UTF8.self)
}
