import Foundation
import Testing

/// Splits one shell line as a POSIX shell would for the quoting qemu-args uses (plain words and
/// single-quoted words).
func shellWords(_ line: String) -> [String] {
    var words: [String] = [], current = "", quoted = false, inWord = false
    for character in line {
        if quoted {
            if character == "'" { quoted = false } else { current.append(character) }
        } else if character == "'" {
            quoted = true; inWord = true
        } else if character == " " {
            if inWord { words.append(current); current = ""; inWord = false }
        } else if character == "\\" {
            continue
        } else {
            current.append(character); inWord = true
        }
    }
    if inWord { words.append(current) }
    return words
}

@Suite("guestfw qemu-args")
struct QemuArgsTests {
    static let stand_in_firmware = "/usr/share/seabios/bios-256k.bin"

    func line(_ name: String) throws -> (words: [String], plan: [String: Any]) {
        let files = ["vm.toml": try example(name), "fw.bin": ""]
        let run = try Guestfw.run(["qemu-args", "vm.toml", "--firmware", "fw.bin", "--append", "console=ttyS0 panic=-1"], files: files)
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").count == 1)
        let plan = try Guestfw.run(["plan", "vm.toml", "--json"], files: files)
        let json = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any] ?? [:]
        return (shellWords(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), json)
    }

    /// Every planned function has a -device at its planned bus and address; memory and vCPUs match.
    @Test(arguments: ["default", "ecam-high", "hotplug-8", "toolstack-64bus", "hotplug-io0"])
    func devicesSitWherePlanned(_ name: String) throws {
        let (words, plan) = try line(name)
        let devices = words.indices.filter { words[$0] == "-device" && $0 + 1 < words.count }.map { words[$0 + 1] }
        func property(_ device: String, _ key: String) -> String? {
            device.split(separator: ",").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
        }
        let functions = (plan["functions"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String != "chipset" }
        #expect(devices.count == functions.count)
        let portsBySecondaryBus = Dictionary(uniqueKeysWithValues: functions.compactMap { f -> (Int, String)? in
            guard let bus = f["secondaryBus"] as? Int, let id = f["id"] as? String else { return nil }
            return (bus, id)
        })
        for function in functions {
            let id = function["id"] as! String, bdf = function["bdf"] as! String
            let parts = bdf.split(whereSeparator: { $0 == ":" || $0 == "." }).map(String.init)
            let bus = Int(parts[0], radix: 16)!, slot = Int(parts[1], radix: 16)!, fn = Int(parts[2])!
            guard let device = devices.first(where: { property($0, "id") == id }) else {
                Issue.record("\(name): no -device for \(id)"); continue
            }
            #expect(device.hasPrefix((function["model"] as? String ?? "") + ","), "\(device)")
            #expect(property(device, "bus") == (bus == 0 ? "pcie.0" : portsBySecondaryBus[bus]))
            #expect(property(device, "addr") == "0x\(String(slot, radix: 16)).\(fn)")
            if function["kind"] as? String == "root-port" {
                #expect(property(device, "hotplug") == ((function["hotplug"] as? Bool ?? false) ? nil : "off"))
                #expect(property(device, "chassis") == String(function["slot"] as? Int ?? -1))
            }
        }
        let memory = try example(name).split(separator: "\n").first { $0.hasPrefix("memory") }
        #expect(memory != nil)
        #expect(words.contains("-no-reboot") && words.contains("-nodefaults") && words.contains("stdio"))
        #expect(words[words.firstIndex(of: "-append")! + 1] == "console=ttyS0 panic=-1")
    }

    /// QEMU 7.2 itself accepts every property (paused with -S, stopped after 5 s).
    @Test(arguments: ["default", "ecam-high", "hotplug-8", "toolstack-64bus", "hotplug-io0"])
    func qemuAcceptsTheLine(_ name: String) throws {
        guard FileManager.default.fileExists(atPath: Self.stand_in_firmware) else {
            Issue.record("SeaBIOS is not installed (qemu-system-x86 brings it): \(Self.stand_in_firmware)"); return
        }
        let run = try Guestfw.run(["qemu-args", "vm.toml", "--firmware", Self.stand_in_firmware], files: ["vm.toml": try example(name)])
        let words = shellWords(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) + ["-S"]
        let result = try Self.runFor(seconds: 5, words)
        #expect(result.stillRunning, "\(name): QEMU stopped by itself: \(result.output)")
        #expect(!result.output.contains("Error") && !result.output.contains("error:"), "\(result.output)")
    }

    /// Runs a command and kills it after `seconds`. Not `timeout(1)` nor SIGTERM: the test runner's
    /// threads block signals, a child inherits that mask, and neither alarm nor SIGTERM would arrive.
    static func runFor(seconds: Double, _ words: [String]) throws -> (stillRunning: Bool, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = words
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let stillRunning = process.isRunning
        if stillRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (stillRunning, output)
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
        let functions = plan["functions"] as? [[String: Any]] ?? []
        let hp1 = try #require(functions.first { $0["id"] as? String == "hp1" })
        let windows = try #require(hp1["windows"] as? [String: Any])
        #expect(windows["io"] is NSNull, "\(windows)")
        #expect(windows["mem"] as? [String: Any] != nil && windows["pref"] as? [String: Any] != nil)
        let warnings = plan["warnings"] as? [String] ?? []
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
