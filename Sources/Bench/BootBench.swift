import Foundation

/// One VM of the side-by-side boot: its description, guestfw's image for it and the QEMU line
/// `guestfw qemu-args` prints (guestfw's image in `-bios`).
struct BootVM {
    var name: String
    var line: String
}

/// `guestfw-bench --boot GUESTFW TABLES KERNEL INITRD [--rounds N] [--only NAME,...]`: every
/// example of TABLES that `guestfw qemu-args` can run, and a generated VM with 32 root ports
/// full of devices, booted with guestfw's image, SeaBIOS and qboot on the same line; rounds
/// interleaved (each round boots every VM with every firmware), medians printed.
struct BootBench {
    var guestfw: String
    var tables: String
    var kernel: String
    var initrd: String
    var rounds = 3
    var only: Set<String>?

    static let append = "console=ttyS0 panic=-1"
    static let generatedPorts = 32

    func run() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("guestfw-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let vms = try prepare(scratch)
        let firmwares = BootFirmware.available
        print("\nboot side by side under TCG: \(vms.count) VMs x \(firmwares.count) firmwares x \(rounds) rounds, interleaved")
        print("  load before: \(Self.load())")
        var boots: [String: [BootFirmware: [BootMilestones]]] = [:]
        for round in 1...rounds {
            for vm in vms {
                for firmware in firmwares {
                    let boot = try BootTiming.boot(firmware.line(from: vm.line))
                    boots[vm.name, default: [:]][firmware, default: []].append(boot)
                    print("  round \(round) \(pad(vm.name, 16)) \(pad(firmware.rawValue, 8)) " + String(format: "off %6.2f s  cpu %6.2f s", boot.exited, boot.cpu)
                          + (boot.completed ? "" : "  \(Self.failure(boot))"))
                    fflush(nil)  // even into a file, a long run shows how far it got
                }
            }
            print("  round \(round) of \(rounds) done, load \(Self.load())")
        }
        BootReport(vms: vms.map(\.name), firmwares: firmwares, boots: boots).print(rounds: rounds)
    }

    /// Builds each VM into `scratch` and asks qemu-args for its line; an example qemu-args refuses
    /// (a Xen VM, a passthrough device) is named and left out, as the boot tests leave it out.
    func prepare(_ scratch: URL) throws -> [BootVM] {
        let examples = ((try? FileManager.default.contentsOfDirectory(atPath: tables)) ?? []).sorted()
            .filter { FileManager.default.fileExists(atPath: "\(tables)/\($0)/vm.toml") }
        let generated = scratch.appendingPathComponent("ports-\(Self.generatedPorts).toml")
        try Self.generatedTOML(rootPorts: Self.generatedPorts).write(to: generated, atomically: true, encoding: .utf8)
        let configs = examples.map { ($0, "\(tables)/\($0)/vm.toml") } + [("ports-\(Self.generatedPorts)", generated.path)]
        var vms: [BootVM] = []
        for (name, config) in configs where only?.contains(name) ?? true {
            let out = scratch.appendingPathComponent(name).path
            try runTool(guestfw, ["build", config, "-o", out])
            guard FileManager.default.fileExists(atPath: "\(out)/firmware.bin") else {
                print("  \(name): not booted (guestfw build wrote no firmware image: a Xen VM boots through libxl and hvmloader)")
                continue
            }
            do {
                // Host devices boot with the QEMU models they were captured from, as in the boot tests.
                let line = try runTool(guestfw, ["qemu-args", config, "--firmware", "\(out)/firmware.bin", "--kernel", kernel,
                                                 "--initrd", initrd, "--append", Self.append, "--stand-in"])
                vms.append(BootVM(name: name, line: line.trimmingCharacters(in: .whitespacesAndNewlines)))
            } catch {
                print("  \(name): not booted (\(error.localizedDescription))")
            }
        }
        return vms
    }

    /// 32 root ports, every fourth hot-pluggable, each holding a device, on the examples' memory
    /// and vCPUs (more vCPUs would only measure TCG's SMP bring-up).
    static func generatedTOML(rootPorts: Int) -> String {
        let models = ["virtio-net-pci", "virtio-blk-pci", "nvme", "e1000e", "qemu-xhci", "virtio-scsi-pci"]
        var text = "name = \"ports-\(rootPorts)\"\nvmm = \"qemu\"\nmemory = \"2G\"\nvcpus = 2\n"
        for index in 0..<rootPorts { text += "\n[[root_port]]\nid = \"rp\(index)\"\nhotplug = \(index % 4 == 3)\n" }
        for index in 0..<rootPorts {
            text += "\n[[device]]\nid = \"dev\(index)\"\nmodel = \"\(models[index % models.count])\"\nbus = \"rp\(index)\"\n"
        }
        return text
    }

    static func failure(_ boot: BootMilestones) -> String {
        if boot.status == SIGKILL || boot.status == 128 + SIGKILL { return "killed after \(Int(BootTiming.deadline)) s" }
        if boot.initReached == nil { return "init not reached (QEMU status \(boot.status))" }
        if !boot.poweredDown { return "no \"\(BootTiming.powerDownMarker)\" (QEMU status \(boot.status))" }
        return "QEMU status \(boot.status)"
    }

    /// The load averages of `uptime` (1, 5, 15 minutes).
    static func load() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// The side-by-side table: medians per VM and firmware, and guestfw's ratios to the other two.
struct BootReport {
    var vms: [String]
    var firmwares: [BootFirmware]
    var boots: [String: [BootFirmware: [BootMilestones]]]

    func print(rounds: Int) {
        Swift.print("\n  seconds from QEMU start (wall, median of \(rounds)); cpu: QEMU's user+system seconds;")
        Swift.print("  k-init: the kernel's own stamp at \"\(BootTiming.initStampMarker)\"; assigned: kernel lines placing a resource")
        Swift.print("  " + pad("vm", 18) + pad("firmware", 9) + pad("banner", 8) + pad("init", 8) + pad("off", 8) + pad("cpu", 8)
                    + pad("k-init", 8) + pad("assigned", 10) + "ok")
        for vm in vms {
            for firmware in firmwares {
                let runs = boots[vm]?[firmware] ?? []
                let assigned = Set(runs.map(\.assignments.count)).sorted().map(String.init).joined(separator: "/")
                Swift.print("  " + pad(vm, 18) + pad(firmware.rawValue, 9) + pad(column(runs, \.kernelBanner), 8)
                            + pad(column(runs, \.initReached), 8) + pad(column(runs) { $0.exited }, 8) + pad(column(runs) { $0.cpu }, 8)
                            + pad(column(runs, \.kernelInitStamp), 8) + pad(assigned, 10) + "\(runs.filter(\.completed).count)/\(runs.count)")
            }
        }
        printFirmwareLines()
        printRatios()
    }

    /// Only guestfw prints on the console before the kernel: when its first line and its
    /// "starting Linux" arrived (SeaBIOS and qboot print nothing there). From there on the time is
    /// the kernel's and init's; that time over another firmware's whole boot is the ratio a
    /// firmware taking no time at all would reach, the floor of guestfw's.
    func printFirmwareLines() {
        Swift.print("\n  guestfw's own lines (median seconds from QEMU start): \"\(BootTiming.firmwareReset)\", \"\(BootTiming.kernelEntryMarker)\";")
        Swift.print("  after: from \"starting Linux\" to power-off (the kernel's decompression, its boot and init); floor: after / the other's off")
        Swift.print("  " + pad("vm", 18) + pad("reset", 8) + pad("start", 8) + pad("after", 8) + pad("floor/SeaBIOS", 15) + "floor/qboot")
        for vm in vms {
            let runs = boots[vm]?[.guestfw] ?? []
            let after = runs.filter(\.completed).compactMap { run in run.kernelEntry.map { run.exited - $0 } }
            let floors = [BootFirmware.seaBIOS, .qboot].map { other -> String in
                let theirs = (boots[vm]?[other] ?? []).filter(\.completed).map(\.exited)
                return after.isEmpty || theirs.isEmpty ? "-" : String(format: "%.2f", median(after) / median(theirs))
            }
            Swift.print("  " + pad(vm, 18) + pad(column(runs, \.firmwareFirstLine), 8) + pad(column(runs, \.kernelEntry), 8)
                        + pad(after.isEmpty ? "-" : String(format: "%.2f", median(after)), 8) + pad(floors[0], 15) + floors[1])
        }
    }

    /// guestfw / SeaBIOS and guestfw / qboot of the median power-off (wall) and CPU time.
    var ratios: [(title: String, firmware: BootFirmware, key: KeyPath<BootMilestones, Double>)] {
        [("off/SeaBIOS", .seaBIOS, \.exited), ("off/qboot", .qboot, \.exited), ("cpu/SeaBIOS", .seaBIOS, \.cpu), ("cpu/qboot", .qboot, \.cpu)]
    }

    /// Each ratio per VM, then the worst (largest) over all VMs.
    func printRatios() {
        Swift.print("\n  guestfw / other firmware, median power-off (wall) and QEMU cpu; above 1 is slower")
        Swift.print("  " + pad("vm", 18) + ratios.map { pad($0.title, 13) }.joined())
        var worst: [String: (value: Double, vm: String)] = [:]
        for vm in vms {
            let cells = ratios.map { ratio -> String in
                guard let value = self.ratio(vm, ratio.firmware, ratio.key) else { return pad("-", 13) }
                if value > worst[ratio.title]?.value ?? -1 { worst[ratio.title] = (value, vm) }
                return pad(String(format: "%.2f", value), 13)
            }
            Swift.print("  " + pad(vm, 18) + cells.joined())
        }
        // One VM's ratio moves by ±0.1 between runs of the same line (TCG's decompression alone
        // varies by ±0.5 s): the geometric mean over the VMs is the steadier figure.
        Swift.print("  " + pad("mean (geo.)", 18) + ratios.map { ratio in
            let values = vms.compactMap { self.ratio($0, ratio.firmware, ratio.key) }
            return pad(values.isEmpty ? "-" : String(format: "%.2f", exp(values.map(log).reduce(0, +) / Double(values.count))), 13)
        }.joined())
        Swift.print("  " + pad("worst", 18) + ratios.map { ratio in
            pad(worst[ratio.title].map { String(format: "%.2f", $0.value) + " \($0.vm)" } ?? "-", 13)
        }.joined(separator: " "))
    }

    /// Only boots that completed count; a firmware with none has no ratio.
    func ratio(_ vm: String, _ other: BootFirmware, _ key: KeyPath<BootMilestones, Double>) -> Double? {
        let ours = (boots[vm]?[.guestfw] ?? []).filter(\.completed).map { $0[keyPath: key] }
        let theirs = (boots[vm]?[other] ?? []).filter(\.completed).map { $0[keyPath: key] }
        guard !ours.isEmpty, !theirs.isEmpty else { return nil }
        return median(ours) / median(theirs)
    }

    func column(_ runs: [BootMilestones], _ key: KeyPath<BootMilestones, Double?>) -> String {
        let values = runs.compactMap { $0[keyPath: key] }
        return values.isEmpty ? "-" : String(format: "%.2f", median(values)) + (values.count < runs.count ? "*" : "")
    }

    func column(_ runs: [BootMilestones], _ value: (BootMilestones) -> Double) -> String {
        runs.isEmpty ? "-" : String(format: "%.2f", median(runs.map(value)))
    }
}

extension BootBench {
    /// GUESTFW TABLES KERNEL INITRD, then `--rounds N` (at least 1) and `--only NAME,...`.
    init?(arguments: [String]) {
        guard arguments.count >= 4 else { return nil }
        self.init(guestfw: arguments[0], tables: arguments[1], kernel: arguments[2], initrd: arguments[3])
        var rest = arguments.dropFirst(4)
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { return nil }
            switch option {
            case "--rounds":
                guard let count = Int(value), count >= 1 else { return nil }
                rounds = count
            case "--only":
                only = Set(value.split(separator: ",").map(String.init))
            default:
                return nil
            }
        }
    }
}
