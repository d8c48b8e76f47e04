import Foundation
import TestSupport
import Testing

@Suite("guestfw qemu-args")
struct QemuArgsTests {
    static let stand_in_firmware = "/usr/share/seabios/bios-256k.bin"

    func line(_ name: String) throws -> (words: [String], plan: PlanFile) {
        let files = ["vm.toml": try example(name), "fw.bin": ""]
        let run = try Guestfw.run(["qemu-args", "vm.toml", "--firmware", "fw.bin", "--append", "console=ttyS0 panic=-1"], files: files)
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").count == 1)
        let plan = try Guestfw.run(["plan", "vm.toml", "--json"], files: files)
        return (ShellWords.split(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), try PlanFile.decode(Data(plan.stdout.utf8)))
    }

    /// Every planned function has a -device at its planned bus and address; memory and vCPUs match.
    @Test(arguments: ["default", "ecam-high", "hotplug-8", "toolstack-64bus", "hotplug-io0"])
    func devicesSitWherePlanned(_ name: String) throws {
        let (words, plan) = try line(name)
        let devices = words.indices.filter { words[$0] == "-device" && $0 + 1 < words.count }.map { words[$0 + 1] }
        let property = ShellWords.property
        let functions = plan.functions.filter { $0.kind != "chipset" }
        #expect(devices.count == functions.count)
        let portsBySecondaryBus = Dictionary(uniqueKeysWithValues: functions.compactMap { f in f.secondaryBus.map { ($0, f.id) } })
        for function in functions {
            let parts = function.bdf.split(whereSeparator: { $0 == ":" || $0 == "." }).map(String.init)
            let bus = Int(parts[0], radix: 16)!, slot = Int(parts[1], radix: 16)!, fn = Int(parts[2])!
            guard let device = devices.first(where: { property($0, "id") == function.id }) else {
                Issue.record("\(name): no -device for \(function.id)"); continue
            }
            #expect(device.hasPrefix((function.model ?? "") + ","), "\(device)")
            #expect(property(device, "bus") == (bus == 0 ? "pcie.0" : portsBySecondaryBus[bus]))
            #expect(property(device, "addr") == "0x\(String(slot, radix: 16)).\(fn)")
            if function.kind == "root-port" {
                #expect(property(device, "hotplug") == ((function.hotplug ?? false) ? nil : "off"))
                #expect(property(device, "chassis") == String(function.slot ?? -1))
            }
        }
        let memory = try example(name).split(separator: "\n").first { $0.hasPrefix("memory") }
        #expect(memory != nil)
        #expect(words.contains("-no-reboot") && words.contains("-nodefaults") && words.contains("stdio"))
        #expect(words[words.firstIndex(of: "-append")! + 1] == "console=ttyS0 panic=-1")
    }

    /// QEMU 7.2 itself accepts every property (paused with -S, stopped after 5 s).
    @Test(arguments: ["default", "ecam-high", "hotplug-8", "toolstack-64bus", "hotplug-io0"])
    func qemuAcceptsTheLine(_ name: String) async throws {
        guard FileManager.default.fileExists(atPath: Self.stand_in_firmware) else {
            Issue.record("SeaBIOS is not installed (qemu-system-x86 brings it): \(Self.stand_in_firmware)"); return
        }
        let run = try Guestfw.run(["qemu-args", "vm.toml", "--firmware", Self.stand_in_firmware], files: ["vm.toml": try example(name)])
        let words = ShellWords.split(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) + ["-S"]
        let scratch = try Repository.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try await QEMU.run(ShellWords.join(words), output: scratch.appendingPathComponent("qemu.txt"), deadline: 5)
        #expect(result.killed, "\(name): QEMU stopped by itself: \(result.text)")
        #expect(!result.text.contains("Error") && !result.text.contains("error:"), "\(result.text)")
    }

    @Test(arguments: [("passthrough-gpu", "passthrough (0000:65:00.0)"), ("xen-large-bars", "vmm = \"xen\"")])
    func refusesWhatQEMUCannotRun(_ name: String, _ words: String) throws {
        let run = try Guestfw.run(["qemu-args", "vm.toml", "--firmware", "fw.bin"], files: ["vm.toml": try example(name), "fw.bin": ""])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains(words))
        #expect(run.stdout.isEmpty)
    }

    /// A hot-pluggable port with `reserve.io = "0"`: accepted, passed to QEMU as io-reserve=0,
    /// planned without an I/O window, and the plan warns that Linux opens one itself.
    @Test func hotplugPortWithoutIO() throws {
        let (words, plan) = try line("hotplug-io0")
        let port = try #require(words.first { $0.hasPrefix("pcie-root-port,") && $0.contains("id=hp1,") })
        #expect(port.split(separator: ",").contains("io-reserve=0"), "\(port)")
        #expect(!port.split(separator: ",").contains("hotplug=off"), "\(port)")
        let other = try #require(words.first { $0.hasPrefix("pcie-root-port,") && $0.contains("id=hp2,") })
        #expect(!other.contains("io-reserve"), "\(other)")
        let windows = try #require(plan.function("hp1")?.windows)
        #expect(windows.io == nil, "\(windows)")
        #expect(windows.mem != nil && windows.pref != nil)
        let warnings = plan.warnings
        #expect(warnings.count == 1 && warnings.first?.hasPrefix("root port hp1 is hot-pluggable with reserve.io = \"0\"") == true, "\(warnings)")
        #expect(warnings.first?.contains("Linux opens one on it itself") == true)
        // The readable plan shows the warning too.
        let text = try Guestfw.run(["plan", "vm.toml"], files: ["vm.toml": try example("hotplug-io0")])
        #expect(text.exitCode == 0 && text.stdout.contains("Warnings\n  - root port hp1 is hot-pluggable"), "\(text.stdout)")
        // mem and pref64 = "0" stay refused on such a port.
        for key in ["mem", "pref64"] {
            let bad = try Guestfw.run(["plan", "vm.toml"], files: ["vm.toml": "memory = \"2G\"\n[[root_port]]\nid = \"a\"\nhotplug = true\nreserve = { io = \"0\", \(key) = \"0\" }\n"])
            #expect(bad.exitCode == 2)
            #expect(bad.stderr.contains("root_port[0].reserve.\(key) = \"0\"") && !bad.stderr.contains("reserve.io"), "\(bad.stderr)")
        }
    }

    @Test func missingFirmwareIsNamed() throws {
        let run = try Guestfw.run(["qemu-args", "vm.toml", "--firmware", "nowhere.bin"], files: ["vm.toml": try example("default")])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("--firmware nowhere.bin: no such file"))
    }
}
