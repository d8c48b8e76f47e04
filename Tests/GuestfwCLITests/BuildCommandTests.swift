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
