import Foundation
import TestSupport
import Testing

/// `guestfw qemu-args` on host devices, through the real binary: the vfio-pci line a user runs,
/// the `--stand-in` line the boot tests run, and the refusal when no model can stand in.
@Suite("guestfw qemu-args with host devices")
struct HostQemuArgsTests {
    static let example = Repository.exampleConfig("host-devices")

    /// Which host function each device of Tables/host-devices names (its vm.toml, by hand).
    static let hostOf = ["nvme0": "0000:01:00.0", "nic0": "0000:02:00.0", "gpu0": "0000:03:00.0",
                         "gpu0.f1": "0000:03:00.1", "shm0": "0000:04:00.0"]

    struct Line {
        var words: [String]
        var plan: PlanFile

        /// The -device arguments, by id.
        var devices: [String: String] {
            let all = words.indices.filter { words[$0] == "-device" && $0 + 1 < words.count }.map { words[$0 + 1] }
            return Dictionary(all.map { (ShellWords.property($0, "id") ?? "", $0) }) { first, _ in first }
        }

        func arguments(after flag: String) -> [String] {
            words.indices.filter { words[$0] == flag && $0 + 1 < words.count }.map { words[$0 + 1] }
        }

        var endpoints: [PlanFile.Function] { plan.functions.filter { $0.kind == "endpoint" } }

        /// Every planned endpoint's -device, checked to sit at its planned bus and address.
        func placedEndpoints() -> [(id: String, function: PlanFile.Function, device: String)] {
            let devices = self.devices
            return endpoints.compactMap { function in
                guard let device = devices[function.id] else { Issue.record("no -device id=\(function.id): \(words)"); return nil }
                let place = place(function)
                #expect(ShellWords.property(device, "bus") == place.bus && ShellWords.property(device, "addr") == place.addr, "\(device)")
                return (function.id, function, device)
            }
        }

        /// The id of the bridge whose secondary bus is `bdf`'s, or pcie.0; and "0xDD.F".
        func place(_ function: PlanFile.Function) -> (bus: String, addr: String) {
            let parts = function.bdf.split(whereSeparator: { $0 == ":" || $0 == "." }).map(String.init)
            let parent = plan.functions.first { $0.secondaryBus == function.bus }?.id
            return (function.bus == 0 ? "pcie.0" : parent ?? "?", "0x\(String(Int(parts[1], radix: 16) ?? -1, radix: 16)).\(parts[2])")
        }
    }

    static let property = ShellWords.property

    static func line(_ config: URL, standIn: Bool) throws -> Line {
        let run = try Guestfw.run(["qemu-args", config.path, "--firmware", QemuArgsTests.stand_in_firmware] + (standIn ? ["--stand-in"] : []))
        #expect(run.exitCode == 0, "\(run.stderr)")
        let plan = try Guestfw.run(["plan", config.path, "--json"])
        return Line(words: ShellWords.split(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)),
                    plan: try PlanFile.decode(Data(plan.stdout.utf8)))
    }

    /// One vfio-pci per planned function, each with its host function's BDF, at its planned bus
    /// and address; multifunction=on on function 0 of the slot with two; rombar=0 exactly where
    /// plan.json has no ROM (BAR 6) for the function.
    @Test func vfioLineMatchesThePlan() throws {
        let line = try Self.line(Self.example, standIn: false)
        #expect(Set(line.endpoints.map(\.id)) == Set(Self.hostOf.keys))
        #expect(line.devices.values.filter { $0.hasPrefix("vfio-pci,") }.count == Self.hostOf.count)
        for (id, function, device) in line.placedEndpoints() {
            #expect(device.hasPrefix("vfio-pci,host=\(Self.hostOf[id] ?? "?"),"), "\(device)")
            #expect((Self.property(device, "multifunction") == "on") == (id == "gpu0"), "\(device)")
            let hasROM = function.bar(6) != nil
            #expect((Self.property(device, "rombar") == "0") == !hasROM, "\(device)")
            #expect(Self.property(device, "romfile") == nil && Self.property(device, "romsize") == nil, "\(device)")
        }
        // Passthrough needs no backends.
        #expect(line.arguments(after: "-blockdev").isEmpty && line.arguments(after: "-netdev").isEmpty && line.arguments(after: "-object").isEmpty)
    }

    /// `functions = [0]` leaves the audio function on the host: one vfio-pci for the VGA, no
    /// multifunction.
    @Test func onlyTheNamedFunctions() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = HostDeviceCLITests.capture.path
        let config = directory.appendingPathComponent("vm.toml")
        try Data("memory = \"2G\"\n[[root_port]]\nid = \"rp1\"\n[[device]]\nid = \"gpu0\"\nbus = \"rp1\"\nhost = \"0000:03:00.0\"\nsysfs = \"\(capture)\"\nrom = \"64K\"\nfunctions = [0]\n".utf8).write(to: config)
        let line = try Self.line(config, standIn: false)
        let vfio = line.devices.values.filter { $0.hasPrefix("vfio-pci,") }
        #expect(vfio == ["vfio-pci,host=0000:03:00.0,id=gpu0,bus=rp1,addr=0x0.0"], "\(vfio)")
    }

    /// With --stand-in each host function is the model the capture plugged in at that host
    /// address (Fixtures/sysfs/q35.qemu-cmdline.txt), at its planned place, with the parameters
    /// its BARs imply and the backends qemu-args gives that model.
    @Test func standInLineIsTheCapturedModels() throws {
        let line = try Self.line(Self.example, standIn: true)
        let devices = line.devices
        let models = ["nvme0": "nvme", "nic0": "e1000e", "gpu0": "VGA", "gpu0.f1": "ich9-intel-hda", "shm0": "ivshmem-plain"]
        for (id, _, device) in line.placedEndpoints() {
            #expect(device.hasPrefix("\(models[id] ?? "?"),id=\(id),"), "\(device)")
        }
        #expect(!line.words.contains { $0.hasPrefix("vfio-pci") })
        // e1000e: the snapshot's ROM line spans 0x40000; QEMU's default efi-e1000e.rom (249856
        // bytes) fits a 256 KiB ROM BAR, which romsize states.
        #expect(Self.property(devices["nic0"] ?? "", "romsize") == "262144")
        #expect(Self.property(devices["nic0"] ?? "", "romfile") == nil)
        #expect(line.arguments(after: "-netdev").contains("hubport,id=\(Self.property(devices["nic0"] ?? "", "netdev") ?? "?"),hubid=0"))
        // VGA: BAR0 16 MiB is vgamem_mb=16; the description's 64K ROM holds vgabios-stdvga.bin.
        #expect(Self.property(devices["gpu0"] ?? "", "vgamem_mb") == "16")
        #expect(Self.property(devices["gpu0"] ?? "", "romsize") == "65536")
        #expect(Self.property(devices["gpu0"] ?? "", "multifunction") == "on")
        // ivshmem-plain: the 16 GiB BAR 2 is its memory backend's size, as in the capture.
        let memdev = try #require(Self.property(devices["shm0"] ?? "", "memdev"))
        #expect(line.arguments(after: "-object").contains("memory-backend-ram,id=\(memdev),size=\(16 << 30),share=on"))
        // nvme: a null disk behind it.
        let drive = try #require(Self.property(devices["nvme0"] ?? "", "drive"))
        #expect(line.arguments(after: "-blockdev").contains { $0.contains("node-name=\(drive),") && $0.hasPrefix("driver=null-co,") })
    }

    /// QEMU 7.2 itself takes the stand-in line (paused with -S, stopped after 5 s): romsize,
    /// vgamem_mb and the 16 GiB backend included.
    @Test func qemuAcceptsTheStandInLine() async throws {
        let line = try Self.line(Self.example, standIn: true)
        let scratch = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try await QEMU.run(ShellWords.join(line.words + ["-S"]), output: scratch.appendingPathComponent("qemu.txt"), deadline: 5)
        #expect(result.killed, "QEMU stopped by itself: \(result.text)")
        #expect(!result.text.contains("Error") && !result.text.contains("error:"), "\(result.text)")
    }

    /// A host function no catalog model has: exit 2, nothing printed, the device id, its host
    /// BDF and ids named, and why. Without --stand-in the same description is a vfio-pci line.
    @Test(arguments: [
        // The capture's nvme with device id 0x0011: no model has 1b36:0011.
        ("device 0x0011", "", ["device \"d0\"", "host 0000:01:00.0", "1b36:0011 (subsystem 1af4:1100, revision 0x02, class 0x010802, pin 1)"]),
        // Its BAR0 said to be 64K: nvme has the ids but not the BARs.
        ("BAR 0 of 64K", "bars = [{ bar = 0, size = \"64K\", kind = \"mem64\" }]",
         ["device \"d0\"", "host 0000:01:00.0", "1b36:0010", "nvme has its ids but its BARs are BAR 0 mem64 16K, the host function's BAR 0 mem64 64K"]),
    ])
    func noStandIn(_ name: String, _ extra: String, _ words: [String]) throws {
        let directory = try HostDeviceCLITests.scratch(device: "host = \"0000:01:00.0\"\n" + extra) { snap in
            guard name.hasPrefix("device") else { return }
            let file = snap.appendingPathComponent("0000:01:00.0/config")
            var bytes = try Data(contentsOf: file)
            bytes[2] = 0x11
            try bytes.write(to: file)
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let firmware = QemuArgsTests.stand_in_firmware
        let run = try Guestfw.run(in: directory, ["qemu-args", "vm.toml", "--firmware", firmware, "--stand-in"])
        #expect(run.exitCode == 2, "\(name): \(run.stderr)")
        #expect(run.stdout.isEmpty)
        for word in words + ["vm.toml", "only QEMU-emulated models can stand in", "without --stand-in"] {
            #expect(run.stderr.contains(word), "\(name): \(word) not in: \(run.stderr)")
        }
        let passthrough = try Guestfw.run(in: directory, ["qemu-args", "vm.toml", "--firmware", firmware])
        #expect(passthrough.exitCode == 0 && passthrough.stdout.contains("vfio-pci,host=0000:01:00.0,id=d0,bus=rp1,addr=0x0.0"), "\(passthrough.stderr)")
    }

    @Test func helpNamesTheFlag() throws {
        let run = try Guestfw.run(["qemu-args", "--help"])
        #expect(run.stdout.contains("--stand-in") && run.stdout.contains("vfio-pci"), "\(run.stdout)")
    }
}
