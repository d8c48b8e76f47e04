import Foundation
import TestSupport
import Testing

/// `host = ...` and `guestfw host-snapshot` through the real binary, against copies of the
/// snapshot captured from a Linux guest (Tests/VMConfigTests/Fixtures/sysfs/q35).
@Suite("Host devices through the command line")
struct HostDeviceCLITests {
    static let capture = Repository.sysfsCapture

    /// A scratch directory holding `snap/` (a copy of the capture, changed by `prepare`) and vm.toml.
    static func scratch(device: String, prepare: (URL) throws -> Void = { _ in }) throws -> URL {
        let directory = try Guestfw.scratchDirectory()
        let snap = directory.appendingPathComponent("snap")
        try FileManager.default.copyItem(at: capture, to: snap)
        try prepare(snap)
        let text = """
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[device]]
            id = "d0"
            bus = "rp1"
            sysfs = "snap"
            \(device)

            """
        try Data(text.utf8).write(to: directory.appendingPathComponent("vm.toml"))
        return directory
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String
        var device: String
        var words: [String]
        var change: @Sendable (URL) throws -> Void = { _ in }
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "a BDF that does not exist", device: "host = \"0000:09:00.0\"",
            words: ["vm.toml:8", "device[0].host = \"0000:09:00.0\"", "no PCI function 0000:09:00.0", "accepted"]),
        Bad(name: "a malformed BDF", device: "host = \"0000:1:00.0\"",
            words: ["vm.toml:8", "device[0].host = \"0000:1:00.0\"", "is not a host PCI address", "DDDD:BB:DD.F"]),
        Bad(name: "a BDF with a sign", device: "host = \"+000:01:00.0\"", words: ["is not a host PCI address"]),
        Bad(name: "a snapshot missing config", device: "host = \"0000:01:00.0\"",
            words: ["snap/0000:01:00.0/config: cannot be read", "No such file"],
            change: { try FileManager.default.removeItem(at: $0.appendingPathComponent("0000:01:00.0/config")) }),
        Bad(name: "a truncated config", device: "host = \"0000:01:00.0\"",
            words: ["snap/0000:01:00.0/config: is 64 bytes", "truncated", "accepted"],
            change: { snap in
                let file = snap.appendingPathComponent("0000:01:00.0/config")
                try Data(try Data(contentsOf: file).prefix(64)).write(to: file)
            }),
        Bad(name: "an unreadable config", device: "host = \"0000:01:00.0\"",
            words: ["snap/0000:01:00.0/config: cannot be read"],
            change: { snap in
                let file = snap.appendingPathComponent("0000:01:00.0/config")
                try FileManager.default.removeItem(at: file)
                try FileManager.default.createDirectory(at: file, withIntermediateDirectories: false)
            }),
        Bad(name: "a truncated resource", device: "host = \"0000:01:00.0\"",
            words: ["snap/0000:01:00.0/resource", "truncated"],
            change: { snap in
                let file = snap.appendingPathComponent("0000:01:00.0/resource")
                try Data(try Data(contentsOf: file).prefix(57 * 3)).write(to: file)
            }),
        Bad(name: "a host bridge named as a device", device: "host = \"0000:00:00.0\"",
            words: ["snap/0000:00:00.0/config", "host bridge"]),
        Bad(name: "a PCI bridge named as a device", device: "host = \"0000:00:02.0\"",
            words: ["snap/0000:00:02.0/config", "header type 1", "bridge"]),
        Bad(name: "a shadowed ROM without rom", device: "host = \"0000:03:00.0\"",
            words: ["snap/0000:03:00.0/resource", "expansion ROM has no size", "rom = "]),
    ]

    @Test(arguments: bad)
    func refused(_ input: Bad) throws {
        let directory = try Self.scratch(device: input.device, prepare: input.change)
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Guestfw.run(in: directory, ["build", "vm.toml", "-o", "out"])
        #expect(run.exitCode == 2, "\(run.stderr)")
        for word in input.words { #expect(run.stderr.contains(word), "\(word) not in: \(run.stderr)") }
        #expect(run.stderr.hasPrefix("guestfw: error: vm.toml"))
        #expect(!run.filesAfter.contains { $0.hasPrefix("out") }, "wrote \(run.filesAfter)")
    }

    @Test func planCarriesTheHostIds() throws {
        let directory = try Self.scratch(device: "host = \"0000:03:00.0\"\nrom = \"64K\"")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Guestfw.run(in: directory, ["plan", "vm.toml", "--json"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let plan = try PlanFile.decode(Data(run.stdout.utf8))
        let gpu = plan.function("d0"), audio = plan.function("d0.f1")
        #expect(gpu?.vendor == Hex(0x1234) && gpu?.device == Hex(0x1111))
        #expect(audio?.vendor == Hex(0x8086) && audio?.device == Hex(0x293e))
        #expect(gpu?.bdf == "01:00.0" && audio?.bdf == "01:00.1")
    }

    // MARK: - host-snapshot

    /// A fake sysfs root holding some of the capture's functions.
    static func fakeSysfs(in directory: URL, _ functions: [String]) throws -> URL {
        let root = directory.appendingPathComponent("fake-sysfs")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for function in functions {
            try FileManager.default.copyItem(at: capture.appendingPathComponent(function), to: root.appendingPathComponent(function))
        }
        return root
    }

    @Test func snapshotCopiesTheSlotAndPlansTheSame() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try Self.fakeSysfs(in: directory, ["0000:01:00.0", "0000:03:00.0", "0000:03:00.1", "0000:04:00.0"])
        let run = try Guestfw.run(in: directory, ["host-snapshot", "0000:03:00.0", "0000:01:00.0", "--sysfs", "fake-sysfs", "-o", "snap"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let snap = directory.appendingPathComponent("snap")
        let names = try FileManager.default.contentsOfDirectory(atPath: snap.path).sorted()
        #expect(names == [".guestfw", "0000:01:00.0", "0000:03:00.0", "0000:03:00.1"])
        for function in ["0000:01:00.0", "0000:03:00.0", "0000:03:00.1"] {
            #expect(try FileManager.default.contentsOfDirectory(atPath: snap.appendingPathComponent(function).path).sorted() == ["config", "resource"])
            for file in ["config", "resource"] {
                #expect(try Data(contentsOf: snap.appendingPathComponent("\(function)/\(file)"))
                        == Data(contentsOf: Self.capture.appendingPathComponent("\(function)/\(file)")))
            }
        }
        // Writing again replaces guestfw's own directory.
        let again = try Guestfw.run(in: directory, ["host-snapshot", "0000:01:00.0", "--sysfs", "fake-sysfs", "-o", "snap"])
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: snap.path).sorted() == [".guestfw", "0000:01:00.0"])
    }

    @Test func snapshotRefusals() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = try Self.fakeSysfs(in: directory, ["0000:01:00.0", "0000:02:00.0"])
        let mine = directory.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("keep\n".utf8).write(to: mine.appendingPathComponent("notes.txt"))
        var run = try Guestfw.run(in: directory, ["host-snapshot", "0000:01:00.0", "--sysfs", "fake-sysfs", "-o", "mine"])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("refusing to replace a directory guestfw did not write"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine.path) == ["notes.txt"])

        for (arguments, words) in [
            (["0000:1:00.0"], ["0000:1:00.0: is not a host PCI address"]),
            (["0000:09:00.0"], ["no PCI function 0000:09:00.0"]),
            ([String](), ["no function named"]),
        ] {
            run = try Guestfw.run(in: directory, ["host-snapshot"] + arguments + ["--sysfs", "fake-sysfs", "-o", "snap"])
            #expect(run.exitCode == 2, "\(arguments)")
            for word in words { #expect(run.stderr.contains(word), "\(word) not in \(run.stderr)") }
            #expect(!run.filesAfter.contains { $0.hasPrefix("snap") })
        }
        // A config read without root (64 bytes) is refused, not copied.
        let config = root.appendingPathComponent("0000:02:00.0/config")
        try Data(try Data(contentsOf: config).prefix(64)).write(to: config)
        run = try Guestfw.run(in: directory, ["host-snapshot", "0000:01:00.0", "0000:02:00.0", "--sysfs", "fake-sysfs", "-o", "snap"])
        #expect(run.exitCode == 2)
        #expect(run.stderr.contains("fake-sysfs/0000:02:00.0/config: is 64 bytes"))
        #expect(!run.filesAfter.contains { $0.hasPrefix("snap") })
    }
}
