import Foundation
import TestSupport
import Testing

/// Boots Linux on QEMU q35 with each example's firmware.bin and compares what Linux found with
/// plan.json. One boot at a time: TCG boots take the machine's cores, and two at once would only
/// make both slower and closer to their deadline.
@Suite("boot: Linux on QEMU accepts the planned layout", .serialized)
struct BootTests {
    static let console = "console=ttyS0 panic=-1"
    static let mismatchPrefix = "guestfw firmware: mismatch"

    /// The list comes from plan.json files: a folder without one, or one that stops parsing,
    /// must not quietly shrink the suite.
    @Test func examplesAreFound() throws {
        #expect(Examples.runnable.contains("default"), "runnable examples found under \(BootEnvironment.tables.path): \(Examples.runnable)")
        for name in Repository.exampleNames {
            #expect(throws: Never.self, "Tables/\(name)/plan.json (make bless writes it)") {
                try Repository.examplePlan(name)
            }
        }
    }

    /// Every BAR, window, bus number and the ECAM window as planned; no complaint from the
    /// kernel; init ran and the guest powered itself off.
    @Test(arguments: Examples.runnable)
    func linuxAcceptsThePlannedLayout(_ example: String) async throws {
        let setup = try BootSetup.make(example, append: Self.console)
        let (run, guest) = try await boot(setup, name: "boot")
        let complaints = BootChecks.complaints(guest, plan: setup.plan)
        let ecam = BootChecks.ecam(setup.plan, guest)
        var problems = BootChecks.lifecycle(run, guest, deadline: BootEnvironment.bootDeadline)
        problems += BootChecks.layout(setup.plan, guest) + ecam + BootChecks.linuxOpenedIOWindows(setup.plan, guest)
        problems += complaints.map { "kernel complaint: \($0)" }
        let context = problems.isEmpty ? [] : (ecam.isEmpty ? [] : BootChecks.ecamLines(guest)) + lifecycleContext(run, guest)
        report(setup, run, problems: problems, context: context)
    }

    /// The default example's two disks, one on bus 0 and one behind a root port, read to the
    /// end with MSI off: the guest's interrupts then go through the DSDT's _PRT routing.
    @Test func defaultExampleReadsBothDisks() async throws {
        let setup = try BootSetup.make("default", append: Self.console + " pci=nomsi guestfw.readdisks=1")
        let disks = setup.plan.functions.filter { $0.model == "virtio-blk-pci" || $0.model == "nvme" }
        // The guest reads /dev/vda and /dev/nvme0n1: one disk of each model, and the interesting
        // placements are both covered only if one sits on bus 0 and the other behind a port.
        #expect(disks.filter { $0.model == "virtio-blk-pci" }.count == 1 && disks.filter { $0.model == "nvme" }.count == 1,
                "default example: \(disks.map(\.id))")
        #expect(disks.contains { $0.bus == 0 } && disks.contains { $0.bus != 0 },
                "default example: disks at \(disks.map { "\($0.id) \($0.bdf)" }), expected one on bus 0 and one behind a root port")
        try await readDisks(setup, disks)
    }

    /// The switch tree's disks, both four bridges deep (rp1, sw1, sw1d1, sw2, then a downstream
    /// port each), read to the end with MSI off: a wrong _PRT or swizzle at any level leaves
    /// their interrupts unanswered and the read hangs.
    @Test func deepestDisksReadWithoutMSI() async throws {
        let setup = try BootSetup.make("switch-tree", append: Self.console + " pci=nomsi guestfw.readdisks=1")
        let disks = setup.plan.functions.filter { $0.model == "virtio-blk-pci" || $0.model == "nvme" }
        #expect(disks.count == 2 && disks.allSatisfy { $0.bus >= 7 }, "switch-tree: disks at \(disks.map { "\($0.id) \($0.bdf)" })")
        try await readDisks(setup, disks)
    }

    /// Boots with the disks read to the end (/dev/vda, /dev/nvme0n1) and reports what went wrong.
    private func readDisks(_ setup: BootSetup, _ disks: [PlanFile.Function]) async throws {
        let (run, guest) = try await boot(setup, name: "readdisks")
        var problems = BootChecks.lifecycle(run, guest, deadline: BootEnvironment.bootDeadline)
        problems += BootChecks.complaints(guest).map { "kernel complaint: \($0)" }
        problems += diskProblems(guest, names: disks.map { $0.model == "nvme" ? "nvme0n1" : "vda" })
        let context = problems.isEmpty ? [] : (guest.sections["disks"] ?? []) + lifecycleContext(run, guest)
        report(setup, run, problems: problems, context: context)
    }

    /// A device the plan has but QEMU does not: the firmware must name it and stop.
    @Test func firmwareStopsOnAMissingDevice() async throws {
        var setup = try BootSetup.make("default", append: Self.console)
        let missing = try #require(setup.plan.functions.first { $0.kind == "endpoint" && $0.bus != 0 },
                                   "default example: no endpoint behind a root port to take out")
        let index = try #require(setup.words.indices.first { setup.words[$0] == "-device" && $0 + 1 < setup.words.count
                                     && ShellWords.property(setup.words[$0 + 1], "id") == missing.id },
                                 "qemu-args line has no -device with id=\(missing.id): \(setup.line)")
        setup.words.removeSubrange(index...(index + 1))
        try await expectMismatch(setup, naming: missing, what: "-device \(missing.id) taken out")
    }

    /// A BAR of another size than planned: an ivshmem-plain device backed by half the planned
    /// memory. The example is the first runnable one with such a device.
    @Test func firmwareStopsOnADifferentBARSize() async throws {
        let example = try #require(Examples.runnable.first { name in
            let plan = try? Repository.examplePlan(name)
            return plan?.functions.contains { $0.model == "ivshmem-plain" } ?? false
        }, "no runnable example under Tables/ has an ivshmem-plain device whose BAR could be resized")
        var setup = try BootSetup.make(example, append: Self.console)
        let shm = try #require(setup.plan.functions.first { $0.model == "ivshmem-plain" })
        let device = try #require(setup.words.first { $0.hasPrefix("ivshmem-plain,") && ShellWords.property($0, "id") == shm.id },
                                  "qemu-args line has no ivshmem-plain with id=\(shm.id): \(setup.line)")
        let memdev = try #require(ShellWords.property(device, "memdev"), "\(device) has no memdev")
        let object = try #require(setup.words.firstIndex { ShellWords.property($0, "id") == memdev && $0.hasPrefix("memory-backend") },
                                  "qemu-args line has no memory backend \(memdev): \(setup.line)")
        let size = try #require(ShellWords.property(setup.words[object], "size").flatMap { UInt64($0) })
        setup.words[object] = setup.words[object].replacingOccurrences(of: "size=\(size)", with: "size=\(size / 2)")
        try await expectMismatch(setup, naming: shm, what: "\(shm.id)'s memory backend \(size / 2) bytes instead of \(size)")
    }

    // MARK: helpers

    private func boot(_ setup: BootSetup, name: String) async throws -> (QEMURun, GuestOutput) {
        let run = try await QEMU.run(setup.line, output: setup.output(name), deadline: BootEnvironment.bootDeadline)
        print("boot \(setup.example) (\(name)): \(String(format: "%.1f", run.seconds)) s\(BootEnvironment.seaBIOS ? " [SeaBIOS]" : "")")
        return (run, GuestOutput(run.text))
    }

    /// Runs the doctored line and waits for the firmware's one mismatch line, which must name
    /// the function's BDF; the firmware then halts, so QEMU is still running when killed.
    private func expectMismatch(_ setup: BootSetup, naming function: PlanFile.Function, what: String) async throws {
        let run = try await QEMU.run(setup.line, output: setup.output("mismatch"), deadline: BootEnvironment.bootDeadline,
                                     stopWhen: { text in
                                         text.contains("Linux version")
                                             || GuestOutput(text).lines.contains { $0.hasPrefix(Self.mismatchPrefix) }
                                     }, linger: 2)
        let guest = GuestOutput(run.text)
        let mismatches = guest.lines.filter { $0.hasPrefix(Self.mismatchPrefix) }
        var problems: [String] = []
        if mismatches.isEmpty {
            problems.append("no line starting with \"\(Self.mismatchPrefix)\" (\(what))")
        } else if !mismatches[0].contains(bdfPattern(function.bdf)) {
            problems.append("the mismatch line does not name \(function.id) as \(function.bdf): \(mismatches[0])")
        }
        if mismatches.count > 1 { problems.append("\(mismatches.count) mismatch lines, expected one") }
        if guest.lines.contains(where: { $0.contains("Linux version") }) { problems.append("the firmware started Linux anyway") }
        if !run.killed { problems.append("QEMU exited by itself (status \(run.exitStatus.map(String.init) ?? "?")): the firmware did not halt") }
        report(setup, run, problems: problems, context: problems.isEmpty ? [] : firmwareLines(guest))
    }

    /// The BDF as a whole token: not the tail of a longer number or of a "0000:" domain form.
    private func bdfPattern(_ bdf: String) -> Regex<Substring> {
        let escaped = bdf.replacingOccurrences(of: ".", with: "\\.")
        return try! Regex("(?:^|[^0-9a-fA-F:])\(escaped)(?:[^0-9]|$)")
    }

    private func diskProblems(_ guest: GuestOutput, names: [String]) -> [String] {
        let lines = guest.sections["disks"] ?? []
        guard guest.sections["disks"] != nil else { return ["the guest printed no disks section"] }
        return names.flatMap { name -> [String] in
            func value(_ key: String) -> UInt64? {
                lines.first { $0.hasPrefix("disk \(name) \(key) ") }.flatMap { UInt64($0.split(separator: " ").last ?? "") }
            }
            guard lines.contains(where: { $0.hasPrefix("disk \(name) done") }) else { return ["\(name): not read to the end (no \"disk \(name) done\")"] }
            guard let size = value("size"), size > 0, let read = value("read"), read == size else {
                return ["\(name): read \(value("read").map(String.init) ?? "?") bytes of \(value("size").map(String.init) ?? "?")"]
            }
            return []
        }
    }

    /// What the firmware printed: its own lines, or the first of whatever came instead.
    private func firmwareLines(_ guest: GuestOutput) -> [String] {
        let own = guest.lines.filter { $0.hasPrefix("guestfw firmware") }
        return own.isEmpty ? ["(no \"guestfw firmware\" line; the output begins:)"] + guest.lines.prefix(10) : own
    }

    private func lifecycleContext(_ run: QEMURun, _ guest: GuestOutput) -> [String] {
        guard run.killed || run.exitStatus != 0 || !guest.initFinished || !guest.poweredDown else { return [] }
        return ["last lines of the guest output:"] + guest.tail(20)
    }

    /// One issue per failed test: which example, each problem (planned vs found), a few guest
    /// lines, and the file holding the whole guest output (kept for the post-mortem).
    private func report(_ setup: BootSetup, _ run: QEMURun, problems: [String], context: [String]) {
        defer { setup.cleanUp(failed: !problems.isEmpty) }
        guard !problems.isEmpty else { return }
        let limit = 40
        var message = ["\(setup.example)\(BootEnvironment.seaBIOS ? " [SeaBIOS]" : ""): \(problems.count) problem(s)"]
        message += problems.prefix(limit).map { "  - " + $0 }
        if problems.count > limit { message.append("  ... and \(problems.count - limit) more") }
        if !context.isEmpty { message += ["guest output:"] + context.prefix(40).map { "  | " + $0 } }
        message.append("whole guest output: \(run.output.path)")
        Issue.record(Comment(rawValue: message.joined(separator: "\n")))
    }
}
