import Foundation
import Testing

/// `guestfw build`: the output directory appears whole or not at all, a directory guestfw did not
/// write is never replaced, and a failed build leaves the previous output as it was.
@Suite("guestfw build")
struct BuildCommandTests {
    static func contents(_ directory: URL) -> [String: Data] {
        let paths = (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String]) ?? []
        return Dictionary(uniqueKeysWithValues: paths.compactMap { path in
            FileManager.default.contents(atPath: directory.appendingPathComponent(path).path).map { (path, $0) }
        })
    }

    @Test func writesEveryOutputWithItsMarker() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Guestfw.run(in: directory, ["build", "-o", "out"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let files = Set(Self.contents(directory.appendingPathComponent("out")).keys)
        let expected = ["plan.json", "toolstack.json", ".guestfw"] + ["RSDP", "XSDT", "RSDT", "FACP", "FACS", "APIC", "HPET", "MCFG", "WAET", "DSDT"].map { "acpi/\($0)" }
        #expect(Set(expected).isSubset(of: files), "missing: \(Set(expected).subtracting(files))")
        #expect(files.contains("acpi/DSDT.dsl"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".out.guestfw-new-").path))
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(try example("hotplug-8").utf8).write(to: directory.appendingPathComponent("vm.toml"))
        #expect(try Guestfw.run(in: directory, ["build", "vm.toml", "-o", "a"]).exitCode == 0)
        #expect(try Guestfw.run(in: directory, ["build", "vm.toml", "-o", "b"]).exitCode == 0)
        let a = Self.contents(directory.appendingPathComponent("a")), b = Self.contents(directory.appendingPathComponent("b"))
        #expect(!a.isEmpty && a == b)
    }

    @Test func refusesADirectoryItDidNotWrite() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let mine = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: mine.appendingPathComponent("notes.txt"))
        let run = try Guestfw.run(in: directory, ["build", "-o", "out"])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("refusing to replace a directory guestfw did not write"))
        #expect(Self.contents(mine) == ["notes.txt": Data("precious".utf8)])
    }

    @Test func refusesAnOutputPathThatIsAFile() throws {
        let run = try Guestfw.run(["build", "-o", "out"], files: ["out": "a file"])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("exists and is not a directory"))
        #expect(run.filesAfter == ["out"])
    }

    @Test func replacesItsOwnOutputWhole() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(try example("xen-large-bars").utf8).write(to: directory.appendingPathComponent("xen.toml"))
        #expect(try Guestfw.run(in: directory, ["build", "-o", "out"]).exitCode == 0)
        try Data("stale".utf8).write(to: directory.appendingPathComponent("out/acpi/STALE"))
        #expect(try Guestfw.run(in: directory, ["build", "xen.toml", "-o", "out"]).exitCode == 0)
        let files = Self.contents(directory.appendingPathComponent("out"))
        #expect(files["acpi/STALE"] == nil, "a rebuild must not leave files of the previous one")
        #expect(String(decoding: files["plan.json"] ?? Data(), as: UTF8.self).contains("\"name\": \"xen-large-bars\""))
    }

    @Test(arguments: [
        ("memory = \"3X\"\n", Int32(2)),
        // hvmloader on xen with 3.75G of RAM and no relocation: no room for the ECAM.
        ("vmm = \"xen\"\nmemory = \"3840M\"\n", Int32(1)),
    ])
    func aFailedBuildLeavesThePreviousOutput(_ description: String, _ exitCode: Int32) throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try Guestfw.run(in: directory, ["build", "-o", "out"]).exitCode == 0)
        let before = Self.contents(directory.appendingPathComponent("out"))
        try Data(description.utf8).write(to: directory.appendingPathComponent("vm.toml"))
        let run = try Guestfw.run(in: directory, ["build", "vm.toml", "-o", "out"])
        #expect(run.exitCode == exitCode, "\(run.stderr)")
        #expect(Self.contents(directory.appendingPathComponent("out")) == before)
        #expect(run.filesAfter.allSatisfy { !$0.contains("guestfw-new") })
    }

    @Test func unassignedResourcesAreNamed() throws {
        let run = try Guestfw.run(["build", "vm.toml", "-o", "out"], files: ["vm.toml": "vmm = \"xen\"\nmemory = \"3840M\"\n"])
        #expect(run.exitCode == 1)
        #expect(run.stderr.contains("left 1 resource(s) unassigned"))
        #expect(run.stderr.contains("ecam ecam (256M)"))
        #expect(run.filesAfter == ["vm.toml"])
    }
}

extension DiffCommandTests {
    /// The host bridge's 32-bit window moves when low RAM shrinks: diff names the DSDT and prints
    /// the changed `_CRS` lines of its disassembly.
    @Test func changedCRSIsShownInASL() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let smaller = try example("default").replacingOccurrences(of: "memory = \"2G\"", with: "memory = \"1G\"")
        try Data(smaller.utf8).write(to: directory.appendingPathComponent("small.toml"))
        #expect(try Guestfw.run(in: directory, ["build", "-o", "a"]).exitCode == 0)
        #expect(try Guestfw.run(in: directory, ["build", "small.toml", "-o", "b"]).exitCode == 0)
        let run = try Guestfw.run(in: directory, ["diff", "a/acpi", "b/acpi"])
        #expect(run.exitCode == 1, "\(run.stderr)")
        #expect(run.stdout.contains("DSDT: DIFFERS"))
        #expect(run.stdout.contains("-                    0x90000000,         // Range Minimum"))
        #expect(run.stdout.contains("+                    0x50000000,         // Range Minimum"))
        #expect(run.stdout.contains("FACP: same apart from pointers"))
    }
}

/// `guestfw build` for vmm = "xen": plan.json, toolstack.json, xl.cfg and the tables, no image.
@Suite("guestfw build for Xen")
struct XenBuildTests {
    /// A hand-worked guest: 4 GiB, 4 vCPUs, the toolstack policy with a 1 GiB hole and 64 buses,
    /// and a passthrough function the plan puts on bus 0 at slot 5.
    static let description = """
        name = "xl-demo"
        vmm = "xen"
        memory = "4G"
        vcpus = 4
        [ecam]
        policy = "toolstack"
        buses = 64
        [mmio]
        hole = "1G"
        [[device]]
        id = "nic0"
        addr = "05.0"
        passthrough = "0000:65:00.0"
        bars = [{ bar = 0, size = "128K", kind = "mem32" }]
        """

    static func build(_ text: String = description) throws -> (run: GuestfwRun, files: [String: Data]) {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(text.utf8).write(to: directory.appendingPathComponent("vm.toml"))
        // No boot code is needed: pointing at a missing one proves the build never reads it.
        let run = try Guestfw.run(in: directory, ["build", "vm.toml", "-o", "out"],
                                  environment: ["GUESTFW_BOOT_ELF": directory.appendingPathComponent("absent.elf").path])
        return (run, BuildCommandTests.contents(directory.appendingPathComponent("out")))
    }

    @Test func writesXLConfigAndNoFirmwareImage() throws {
        let (run, files) = try Self.build()
        #expect(run.exitCode == 0, "\(run.stderr)")
        let tables = ["RSDP", "XSDT", "RSDT", "FACP", "FACS", "APIC", "HPET", "MCFG", "WAET", "DSDT"].map { "acpi/\($0)" }
        let outputs = Set(files.keys.filter { !$0.hasSuffix(".dsl") })
        #expect(outputs == Set(["plan.json", "toolstack.json", "xl.cfg", "layout.svg", ".guestfw"] + tables))
        #expect(files["firmware.bin"] == nil && files["firmware.elf"] == nil)
        #expect(run.stdout.contains("wrote out/: plan.json, toolstack.json, xl.cfg, layout.svg, acpi/"))
        #expect(run.stdout.contains("no firmware image: vmm = \"xen\""))
    }

    /// memory in MiB (4096, of which libxl gives cirrus, the default vga, its default 8 MiB of
    /// videoram); mmio_hole = 1024 because the hole is fixed (toolstack policy, mmio.hole);
    /// xen_platform_pci = 1 (libxl's default, [xen]'s too);
    /// the passthrough function at 00:05.0 keeps its slot with vslot=05.
    @Test func xlConfigLines() throws {
        let (run, files) = try Self.build()
        #expect(run.exitCode == 0, "\(run.stderr)")
        let text = String(decoding: files["xl.cfg"] ?? Data(), as: UTF8.self)
        let settings = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        #expect(settings == [
            "name = \"xl-demo\"",
            "type = \"hvm\"",
            "device_model_machine = \"q35\"",
            "memory = 4096",
            "vcpus = 4",
            "mmio_hole = 1024",
            "xen_platform_pci = 1",
            "vga = \"cirrus\"",
            "videoram = 8",
            "pci = [ \"0000:65:00.0,vslot=05\" ]",
        ])
    }

    @Test func toolstackJSONHoldsTheXenKeys() throws {
        let (run, files) = try Self.build()
        #expect(run.exitCode == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: files["toolstack.json"] ?? Data()) as? [String: Any]
        let json = try #require(object)
        let xenstore = try #require(json["xenstore"] as? [String: String])
        #expect(xenstore["platform/mmio_hole_size"] == "1073741824")
        #expect(xenstore["hvmloader/allow-memory-relocate"] == "0")
        #expect(xenstore["hvmloader/pci/xen-platform-pci-bar-uc"] == "1")
        let xl = try #require(json["xl"] as? [String: Any])
        #expect(xl["mmio_hole"] as? Int == 1024)
        #expect(xl["device_model_machine"] as? String == "q35")
        #expect(xl["pci"] as? [String] == ["0000:65:00.0,vslot=05"])
        let ecam = try #require(json["ecam"] as? [String: Any])
        let call = try #require(json["hvmopSetEcamSpace"] as? [String: Any])
        #expect(call["op"] as? Int == 16)
        #expect(call["addr"] as? String == ecam["base"] as? String)
        #expect(call["size"] as? String == "0x4000000")
        #expect(call["accepted"] as? Bool == true)
        #expect(json["deviceModelArgs"] as? [String] == ["-machine", "q35,accel=xen,max-ram-below-4g=3221225472", "-device", "xen-platform"])
        let e820 = try #require(json["e820"] as? [[String: String]])
        #expect(e820.contains { $0["start"] == "0xfc000000" && $0["type"] == "nvs" })
    }

    /// Under the hvmloader policy without mmio.hole nothing fixes the hole: no mmio_hole line and
    /// no platform/mmio_hole_size; a 256-bus ECAM is one HVMOP_set_ecam_space refuses.
    @Test func hvmloaderPolicyLeavesTheHoleToHvmloader() throws {
        let (run, files) = try Self.build("vmm = \"xen\"\nmemory = \"2G\"\n")
        #expect(run.exitCode == 0, "\(run.stderr)")
        let text = String(decoding: files["xl.cfg"] ?? Data(), as: UTF8.self)
        #expect(!text.contains("\nmmio_hole"))
        #expect(text.contains("# No mmio_hole: hvmloader sizes the hole at boot"))
        let json = try #require(try JSONSerialization.jsonObject(with: files["toolstack.json"] ?? Data()) as? [String: Any])
        #expect((json["xenstore"] as? [String: String])?["platform/mmio_hole_size"] == nil)
        #expect((json["hvmopSetEcamSpace"] as? [String: Any])?["accepted"] as? Bool == false)
        #expect((json["notes"] as? [String])?.contains { $0.contains("size >> 28") } == true)
    }
}
