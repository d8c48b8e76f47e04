import Foundation
import Testing
import VMCorpus

/// Issue 12, item 1: every class of hostile input found by hand, through the real binary, each
/// with its exact message (file, line or byte offset, key, value, what is accepted), exit 2, and
/// nothing written.
@Suite("Hostile input")
struct HostileInputTests {
    static let ecamNear2To64 = "memory = \"2G\"\n[ecam]\npolicy = \"toolstack\"\nbase = \"0xFFFFFFFFF0000000\"\n"
    static let ecamMessage = "guestfw: error: vm.toml:4: ecam.base = \"0xFFFFFFFFF0000000\": is out of range: adding the ECAM's size (256M) passes 2^64 - 1; accepted: a multiple of 256M below 64G, clear of RAM and of 0xfec00000-0xffffffff\n"

    /// Runs guestfw on files given as bytes, in a scratch directory.
    static func run(_ arguments: [String], bytes: [String: [UInt8]]) throws -> GuestfwRun {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, content) in bytes { try Data(content).write(to: directory.appendingPathComponent(name)) }
        return try Guestfw.run(in: directory, arguments)
    }

    static func expectRefused(_ run: GuestfwRun, _ message: String, files: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.exitCode == 2, "stderr: \(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr == message, sourceLocation: sourceLocation)
        #expect(run.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(run.filesAfter == files.sorted(), "a refused run wrote files", sourceLocation: sourceLocation)
    }

    // MARK: Traps

    @Test(arguments: [["plan", "vm.toml"], ["compare", "vm.toml"], ["build", "vm.toml", "-o", "out"],
                      ["qemu-args", "vm.toml", "--firmware", "vm.toml"], ["plan", "vm.toml", "--json"]])
    func ecamBaseNear2To64IsRefusedByEveryCommand(_ arguments: [String]) throws {
        let run = try Guestfw.run(arguments, files: ["vm.toml": Self.ecamNear2To64])
        Self.expectRefused(run, Self.ecamMessage, files: ["vm.toml"])
    }

    @Test func quantitiesPast2To64AreOutOfRange() throws {
        let run = try Guestfw.run(["plan", "vm.toml"], files: ["vm.toml": "memory = \"16777216T\"\n[mmio]\nwindow64 = \"0x1_0000_0000_0000_0000\"\n"])
        Self.expectRefused(run, """
            guestfw: error: vm.toml:1: memory = "16777216T": is out of range (beyond 2^64 - 1); accepted: a multiple of 1M from 128M to 512G (half of 2^phys_bits)
            vm.toml:3: mmio.window64 = "0x1_0000_0000_0000_0000": is out of range (beyond 2^64 - 1); accepted: a multiple of 1G, at most 2^phys_bits / 2 (512G)

            """, files: ["vm.toml"])
    }

    // MARK: Hangs

    /// Some 100,000 unknown keys (1.3 MB): the first 50 errors, then a count.
    @Test func manyUnknownKeysAreCappedAtFiftyErrors() throws {
        try Self.expectUnknownKeysCapped(file: "vm.toml", line: 2, LargeInputs.unknownKeysTOML(size: 1_300_000))
    }

    /// The same as one JSON object.
    @Test func manyUnknownJSONKeysAreCappedAtFiftyErrors() throws {
        try Self.expectUnknownKeysCapped(file: "vm.json", line: 1, LargeInputs.unknownKeysJSON(size: 1_300_000))
    }

    /// About 50 MB of unknown keys (some 3.9 million): refused at the reader's key limit, where
    /// `memory` is key 1 and k1048575, on line 1048577, is key 1048577. How fast is `make bench`'s
    /// business (guestfw-bench --large-inputs), not this test's.
    @Test func fiftyMegabytesOfUnknownKeysAreRefusedAtTheKeyLimit() throws {
        let run = try Self.run(["plan", "vm.toml"], bytes: ["vm.toml": LargeInputs.unknownKeysTOML().bytes])
        Self.expectRefused(run, "guestfw: error: vm.toml:1048577: more than 1048576 keys in one description; accepted: at most 1048576 in all (a PCI segment has 65536 functions)\n", files: ["vm.toml"])
    }

    /// The same as one JSON object (some 3.4 million keys), all on line 1.
    @Test func fiftyMegabytesOfUnknownJSONKeysAreRefusedAtTheKeyLimit() throws {
        let run = try Self.run(["plan", "vm.json"], bytes: ["vm.json": LargeInputs.unknownKeysJSON().bytes])
        Self.expectRefused(run, "guestfw: error: vm.json:1: more than 1048576 keys in one description; accepted: at most 1048576 in all (a PCI segment has 65536 functions)\n", files: ["vm.json"])
    }

    /// `input` (a description of `count` unknown keys k0, k1, ...) given to `plan`: exit 2, the
    /// first 50 errors (the first naming `k0` on `line`), then the count of the others.
    static func expectUnknownKeysCapped(file: String, line: Int, _ input: (bytes: [UInt8], count: Int),
                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (bytes, index) = input
        let run = try Self.run(["plan", file], bytes: [file: bytes])
        #expect(run.exitCode == 2, sourceLocation: sourceLocation)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 51, sourceLocation: sourceLocation)
        #expect(lines.first == "guestfw: error: \(file):\(line): k0: unknown key; accepted: the keys name, vmm, memory, vcpus, phys_bits, ecam, mmio, acpi, xen, host_bridge, root_port, switch, pci_bridge, device", sourceLocation: sourceLocation)
        #expect(lines.last == "\(file): and \(index - 50) more errors (only the first 50 are shown)", sourceLocation: sourceLocation)
        #expect(run.filesAfter == [file], sourceLocation: sourceLocation)
    }

    /// A 50 MB JSON array of numbers: refused at the element limit, without reading 25 million
    /// values into memory.
    @Test func fiftyMegabyteJSONArrayIsRefusedAtTheElementLimit() throws {
        let run = try Self.run(["plan", "vm.json"], bytes: ["vm.json": LargeInputs.numbersJSON().bytes])
        Self.expectRefused(run, "guestfw: error: vm.json:1: more than 1048576 array elements in one description; accepted: at most 1048576 in all (a PCI segment has 65536 functions)\n", files: ["vm.json"])
    }

    // MARK: Invalid input accepted

    @Test func secondByteOrderMarkRightAfterTheFirstIsRefused() throws {
        let run = try Self.run(["plan", "vm.toml"], bytes: ["vm.toml": [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array("memory = \"2G\"\n".utf8)])
        Self.expectRefused(run, "guestfw: error: vm.toml:1: byte offset 3: a byte-order mark (U+FEFF) after the start of the file; accepted: a TOML or JSON VM description in UTF-8 (a byte-order mark only as its first 3 bytes)\n", files: ["vm.toml"])
    }

    @Test func byteOrderMarkAfterOtherBytesIsRefused() throws {
        let run = try Self.run(["plan", "vm.json"], bytes: ["vm.json": Array("{\"memory\": \"2G\"}\n".utf8) + [0xEF, 0xBB, 0xBF]])
        Self.expectRefused(run, "guestfw: error: vm.json:2: byte offset 17: a byte-order mark (U+FEFF) after the start of the file; accepted: a TOML or JSON VM description in UTF-8 (a byte-order mark only as its first 3 bytes)\n", files: ["vm.json"])
    }

    @Test func signedHexadecimalFieldsAreRefused() throws {
        let text = """
            memory = "2G"
            [[root_port]]
            id = "a"
            addr = "+1.0"
            [[root_port]]
            id = "b"
            addr = "1.-0"
            [[device]]
            id = "g"
            passthrough = "0000:65:+1.0"
            bars = [{ bar = 0, size = "+1M", kind = "mem32" }]

            """
        let run = try Guestfw.run(["plan", "vm.toml"], files: ["vm.toml": text])
        Self.expectRefused(run, """
            guestfw: error: vm.toml:4: root_port[0].addr = "+1.0": is not a device.function address; accepted: "DD.F": a hex device and a function 0-7: 01-1e on bus 0 (e.g. "10.0"), 00-1f on a host bridge's bus
            vm.toml:7: root_port[1].addr = "1.-0": is not a device.function address; accepted: "DD.F": a hex device and a function 0-7: 01-1e on bus 0 (e.g. "10.0"), 00-1f on a host bridge's bus
            vm.toml:10: device[0].passthrough = "0000:65:+1.0": is not a PCI address; accepted: a host PCI address "SSSS:BB:DD.F", e.g. "0000:65:00.0"
            vm.toml:11: device[0].bars[0].size = "+1M": is not a size or address (write e.g. "2G", "512K", "0xB0000000"); accepted: a power of two

            """, files: ["vm.toml"])
    }

    // MARK: Poor messages

    @Test func jsonNullAndHugeNumbersNameTheKeyAndItsRange() throws {
        let digits = String(repeating: "9", count: 400)
        let text = "{\n\"memory\": null,\n\"vcpus\": \(digits),\n\"phys_bits\": 1e400\n}\n"
        let run = try Guestfw.run(["plan", "vm.json"], files: ["vm.json": text])
        Self.expectRefused(run, """
            guestfw: error: vm.json:4: phys_bits = 1e400: is out of range (beyond a double's range); accepted: an integer from 36 to 52
            vm.json:2: memory = null: null is not a value here (omit the key to leave it unset); accepted: a multiple of 1M from 128M to 512G (half of 2^phys_bits)
            vm.json:3: vcpus = 9999999999999999999999999999999999999999... (400 digits): is out of range (beyond 64 bits); accepted: an integer from 1 to 255

            """, files: ["vm.json"])
    }

    @Test func tomlHugeIntegerNamesTheKeyAndItsRange() throws {
        let run = try Guestfw.run(["plan", "vm.toml"], files: ["vm.toml": "memory = \"2G\"\nvcpus = \(String(repeating: "9", count: 400))\n"])
        Self.expectRefused(run, "guestfw: error: vm.toml:2: vcpus = 9999999999999999999999999999999999999999... (400 digits): is out of range (beyond 64 bits); accepted: an integer from 1 to 255\n", files: ["vm.toml"])
    }

    @Test func invalidUTF8GivesTheByteOffsetAndLine() throws {
        let run = try Self.run(["plan", "vm.toml"], bytes: ["vm.toml": Array("memory = \"2G\"\nname = \"".utf8) + [0xC3, 0x28, 0x22, 0x0A]])
        Self.expectRefused(run, "guestfw: error: vm.toml:2: byte offset 23: not UTF-8 text: byte 0x28 cannot follow 0xC3 in a UTF-8 character; accepted: a TOML or JSON VM description in UTF-8 (a byte-order mark only as its first 3 bytes)\n", files: ["vm.toml"])
    }

    @Test func utf16IsNamed() throws {
        let run = try Self.run(["plan", "vm.toml"], bytes: ["vm.toml": [0xFF, 0xFE] + Array("memory".utf16).flatMap { [UInt8($0), 0] }])
        Self.expectRefused(run, "guestfw: error: vm.toml:1: the file is UTF-16 little-endian (byte-order mark FF FE at byte offset 0), not UTF-8 text; accepted: a TOML or JSON VM description in UTF-8 (a byte-order mark only as its first 3 bytes)\n", files: ["vm.toml"])
    }

    @Test func directoryFIFOAndDeviceAreRefusedByKind() throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("dir.toml"), withIntermediateDirectories: false)
        #expect(mkfifo(directory.appendingPathComponent("fifo.toml").path, 0o644) == 0)
        for (path, kind) in [("dir.toml", "a directory"), ("fifo.toml", "a FIFO (named pipe)"), ("/dev/null", "a character device")] {
            let run = try Guestfw.run(in: directory, ["plan", path])
            #expect(run.exitCode == 2)
            #expect(run.stderr == "guestfw: error: \(path): is \(kind), not a regular file; accepted: a readable TOML or JSON VM description file\n")
        }
    }
}

/// A revision-0 RSDP (20 bytes) or a revision-2 one (36), with valid checksums.
func rsdp(revision: UInt8, rsdt: UInt32, xsdt: UInt64 = 0, oem: String = "GSTFW ") -> [UInt8] {
    var bytes = Array("RSD PTR ".utf8) + [0] + Array(oem.utf8) + [revision] + (0..<4).map { UInt8(truncatingIfNeeded: rsdt >> (8 * $0)) }
    bytes[8] = 0 &- bytes.reduce(0, &+)
    guard revision >= 2 else { return bytes }
    bytes += [36, 0, 0, 0] + (0..<8).map { UInt8(truncatingIfNeeded: xsdt >> (8 * $0)) } + [0, 0, 0, 0]
    bytes[32] = 0 &- bytes.reduce(0, &+)
    return bytes
}

/// A 64-byte FACS with the given hardware signature and flags.
func facs(hardwareSignature: UInt32, flags: UInt32) -> [UInt8] {
    func le(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    return Array("FACS".utf8) + le(64) + le(hardwareSignature) + le(0) + le(0) + le(flags) + [UInt8](repeating: 0, count: 8)
        + [2, 0, 0, 0] + [UInt8](repeating: 0, count: 28)
}

@Suite("Hostile table sets for diff")
struct HostileDiffTests {
    /// Two revision-0 RSDPs that differ only in their RSDT pointer: placement, not content
    /// (this trapped: the XsdtAddress at 24 was read from a 20-byte table).
    @Test func revisionZeroRSDPsDifferingInAPointerAreSame() throws {
        let run = try DiffFixture(expected: ["RSDP": rsdp(revision: 0, rsdt: 0x7FFE_0000)],
                                  actual: ["RSDP": rsdp(revision: 0, rsdt: 0xBFFE_0000)]).run()
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout == "RSDP: same apart from pointers to other tables (RsdtAddress), which only say where tables were placed\n")
    }

    @Test func rsdpChangesAreShownFieldByField() throws {
        let run = try DiffFixture(expected: ["RSDP": rsdp(revision: 0, rsdt: 0x7FFE_0000)],
                                  actual: ["RSDP": rsdp(revision: 2, rsdt: 0x7FFE_0000, xsdt: 0x7FFE_1000, oem: "BOCHS ")]).run()
        #expect(run.exitCode == 1, "\(run.stderr)")
        #expect(run.stdout == """
            RSDP: DIFFERS (20 -> 36 bytes)

            --- expected/RSDP
            +++ actual/RSDP
            RSDP fields that differ:
              Checksum (offset 8): 0x\(String(rsdp(revision: 0, rsdt: 0x7FFE_0000)[8], radix: 16)) -> 0x\(String(rsdp(revision: 2, rsdt: 0x7FFE_0000, xsdt: 0x7FFE_1000, oem: "BOCHS ")[8], radix: 16))
              OEMID (offset 9): "GSTFW " -> "BOCHS "
              Revision (offset 15): 0x0 -> 0x2
              Length (offset 20): absent (the table has 20 bytes) -> 0x24
              XsdtAddress (offset 24): absent (the table has 20 bytes) -> 0x7ffe1000
              ExtendedChecksum (offset 32): absent (the table has 20 bytes) -> 0x\(String(rsdp(revision: 2, rsdt: 0x7FFE_0000, xsdt: 0x7FFE_1000, oem: "BOCHS ")[32], radix: 16))
              Reserved (offset 33): absent (the table has 20 bytes) -> 0x0

            """)
        #expect(run.stderr == "guestfw: error: 1 of 1 tables differ\n")
    }

    @Test func facsChangesAreShownFieldByField() throws {
        let run = try DiffFixture(expected: ["FACS": facs(hardwareSignature: 0, flags: 0)],
                                  actual: ["FACS.dat": facs(hardwareSignature: 0x1234, flags: 1)]).run()
        #expect(run.exitCode == 1, "\(run.stderr)")
        #expect(run.stdout == """
            FACS: DIFFERS (64 -> 64 bytes)

            --- expected/FACS
            +++ actual/FACS.dat
            FACS fields that differ:
              HardwareSignature (offset 8): 0x0 -> 0x1234
              Flags (offset 20): 0x0 -> 0x1

            """)
    }

    /// A DSDT that iasl cannot disassemble (an iasl on PATH that fails as it does on a broken
    /// table: the real one reads almost any AML): the message names each file, and the header is
    /// compared field by field instead.
    @Test func iaslFailureOnABadDSDTNamesThePath() throws {
        let before = syntheticTable("DSDT", body: [0x10, 0x05, 0x5C, 0x41, 0x42, 0x43, 0x44])  // Scope (\ABCD)
        var after = syntheticTable("DSDT", body: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        after[24] = 2  // OEMRevision
        after[9] = 0
        after[9] = 0 &- after.reduce(0, &+)
        let fixture = try DiffFixture(expected: ["DSDT": before], actual: ["DSDT": after])
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        let tools = fixture.root.appendingPathComponent("tools")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        let iasl = tools.appendingPathComponent("iasl")
        try Data("#!/bin/sh\necho 'Error    6126 - syntax error'\nexit 1\n".utf8).write(to: iasl)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: iasl.path)
        let path = tools.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let run = try Guestfw.run(in: fixture.root, ["diff", "expected", "actual"], environment: ["PATH": path])
        #expect(run.exitCode == 1, "\(run.stderr)")
        #expect(run.stdout == """
            DSDT: DIFFERS (43 -> 43 bytes)

            expected/DSDT: iasl could not disassemble DSDT: Error    6126 - syntax error
            actual/DSDT: iasl could not disassemble DSDT: Error    6126 - syntax error
            --- expected/DSDT
            +++ actual/DSDT
            DSDT fields that differ:
              Checksum (offset 9): 0x\(String(before[9], radix: 16)) -> 0x\(String(after[9], radix: 16))
              OEMRevision (offset 24): 0x1 -> 0x2
              bytes from offset 36 on: 7 differ, the first at offset 36 (0x10 -> 0xff)

            """)
    }
}
