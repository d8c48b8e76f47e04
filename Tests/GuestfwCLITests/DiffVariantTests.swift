import Foundation
import Testing

/// One of guestfw's own encoded tables: an example's golden file (Tables/<example>/acpi/<SIG>).
func golden(_ example: String, _ signature: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: tablesDirectory.appendingPathComponent("\(example)/acpi/\(signature)")))
}

/// A base set laid out as QEMU's tests/data/acpi/x86/q35 holds one (no RSDP, RSDT or XSDT: the
/// test reads those from the guest), from the default example's tables.
func qemuStyleBase() throws -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    for signature in ["APIC", "DSDT", "FACP", "FACS", "HPET", "MCFG", "WAET"] { files[signature] = try golden("default", signature) }
    return files
}

/// `diff` on trees with QEMU's variants (`SIG.variant`), built from guestfw's own tables. What
/// bios-tables-test does, from its load_expected_aml(): for each table of the machine under the
/// test with variant V it opens `SIG` + V and, when that file does not exist, the extension-less
/// `SIG`. So a variant's set is the base files with the variant's own files in their place, and a
/// change to a base file shows in every variant without a file of its own for that table.
@Suite("guestfw diff on QEMU's variant sets")
struct DiffVariantTests {
    /// Five sets (the base and four variants, one with a dotted name as QEMU's `DSDT.tis.tpm2`),
    /// two of which change; every skipped entry is named with its reason.
    @Test func everyChangedVariantIsReportedAndEverySkippedFileNamed() throws {
        let base = try qemuStyleBase()
        let expected = base.merging([
            "DSDT.bridge": try golden("pci-bridges", "DSDT"),
            "DSDT.tis.tpm2": try golden("hotplug-8", "DSDT"),
            "MCFG.mmio64": try golden("ecam-high", "MCFG"),
            "APIC.acpihmat": try golden("passthrough-gpu", "APIC"),
            "DSDT.acpihmat": try golden("expander", "DSDT"),
            "DSDT.orig": try golden("default", "DSDT"),
        ]) { $1 }
        let actual = base.merging([
            "DSDT.bridge": try golden("switch-tree", "DSDT"),
            "DSDT.tis.tpm2": try golden("hotplug-8", "DSDT"),
            "MCFG.mmio64": mcfg(base: 0xE000_0000, busEnd: 0xFF),
            "APIC.acpihmat": try golden("passthrough-gpu", "APIC"),
            "DSDT.acpihmat": try golden("expander", "DSDT"),
            "DSDT.Bridge": try golden("pci-bridges", "DSDT"),
        ]) { $1 }
        let fixture = try DiffFixture(expected: expected, actual: actual)
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        try Data("DefinitionBlock (...)\n".utf8).write(to: fixture.root.appendingPathComponent("expected/DSDT.dsl"))
        try Data("notes\n".utf8).write(to: fixture.root.appendingPathComponent("actual/README"))
        try FileManager.default.createDirectory(at: fixture.root.appendingPathComponent("actual/sub"), withIntermediateDirectories: false)

        let run = try fixture.run()
        #expect(run.exitCode == 1, "\(run.stderr)")
        let bridge = (try golden("pci-bridges", "DSDT").count, try golden("switch-tree", "DSDT").count)
        #expect(run.stdout.hasPrefix("""
            base: same (7 tables)
            variant acpihmat: same (7 tables)
            variant bridge: DIFFERS in DSDT (1 of 7 tables)
              DSDT.bridge: DIFFERS (\(bridge.0) -> \(bridge.1) bytes)
            variant mmio64: DIFFERS in MCFG (1 of 7 tables)
              MCFG.mmio64: DIFFERS (60 -> 60 bytes)
            variant tis.tpm2: same (7 tables)
            not compared, iasl's disassembly (.dsl), not a table: expected/DSDT.dsl
            not compared, a patch or editor leftover (.orig), not a table: expected/DSDT.orig
            not compared, an unknown suffix ".Bridge" (a variant is named in lowercase letters, digits, '-', '_' and '.' as in QEMU's tests: DSDT.bridge, DSDT.tis.tpm2): actual/DSDT.Bridge
            not compared, not named by a table signature (DSDT, DSDT.dat, or a variant DSDT.bridge): actual/README
            not compared, a directory (diff compares only the files directly inside the two directories): actual/sub

            """), "\(run.stdout)")
        // The ASL diff of each changed file, and only those: ecam-high's ECAM is at 0x800000000
        // (ecam.base in its vm.toml), the new MCFG's at 0xE0000000.
        #expect(run.stdout.components(separatedBy: "\n--- ").count - 1 == 2)
        #expect(run.stdout.contains("--- expected/DSDT.bridge.dsl\n+++ actual/DSDT.bridge.dsl"))
        #expect(run.stdout.contains("--- expected/MCFG.mmio64.dsl\n+++ actual/MCFG.mmio64.dsl"))
        #expect(run.stdout.contains("-[02Ch 0044   8]                 Base Address : 0000000800000000"))
        #expect(run.stdout.contains("+[02Ch 0044   8]                 Base Address : 00000000E0000000"))
        #expect(run.stderr == "guestfw: error: 2 of 5 table sets differ\n")
    }

    /// A base file that changes is what every variant without its own file for that table gets,
    /// as in bios-tables-test: the variant with its own DSDT stays the same, the one without
    /// differs, and the DSDT's ASL diff is shown once.
    @Test func aChangedBaseFileShowsInEveryVariantThatFallsBackToIt() throws {
        let base = try qemuStyleBase()
        let variants = ["DSDT.bridge": try golden("pci-bridges", "DSDT"), "MCFG.mmio64": try golden("ecam-high", "MCFG")]
        var changedBase = base
        changedBase["DSDT"] = try golden("multifunction", "DSDT")
        let run = try DiffFixture(expected: base.merging(variants) { $1 }, actual: changedBase.merging(variants) { $1 }).run()
        #expect(run.exitCode == 1, "\(run.stderr)")
        let sizes = "\(base["DSDT"]!.count) -> \(changedBase["DSDT"]!.count) bytes"
        #expect(run.stdout.hasPrefix("""
            base: DIFFERS in DSDT (1 of 7 tables)
              DSDT: DIFFERS (\(sizes))
            variant bridge: same (7 tables)
            variant mmio64: DIFFERS in DSDT (1 of 7 tables)
              DSDT: DIFFERS (\(sizes))

            --- expected/DSDT.dsl
            +++ actual/DSDT.dsl
            """), "\(run.stdout)")
        #expect(run.stdout.components(separatedBy: "\n--- ").count - 1 == 1)
        #expect(run.stderr == "guestfw: error: 2 of 3 table sets differ\n")
    }

    /// A variant on one side only is reported as missing or new and its files named as not
    /// compared; inside a variant on both sides, a table with its own file on one side only is
    /// compared with the base file the other side falls back to, or is missing when there is none.
    @Test func variantsAddedOrRemovedOnOneSide() throws {
        let base = try qemuStyleBase()
        let srat = syntheticTable("SRAT", body: [1, 0, 0, 0] + [UInt8](repeating: 0, count: 8))
        let expected = base.merging([
            "DSDT.bridge": try golden("pci-bridges", "DSDT"),
            "APIC.cphp": try golden("hotplug-io0", "APIC"),
            "DSDT.cphp": try golden("hotplug-8", "DSDT"),
            "APIC.numamem": try golden("passthrough-gpu", "APIC"),
            "DSDT.numamem": try golden("expander", "DSDT"),
            "SRAT.numamem": srat,
        ]) { $1 }
        let actual = base.merging([
            "DSDT.bridge": try golden("pci-bridges", "DSDT"),
            "DSDT.nohpet": try golden("switch-tree", "DSDT"),
            "DSDT.numamem": try golden("expander", "DSDT"),
        ]) { $1 }
        let run = try DiffFixture(expected: expected, actual: actual).run()
        #expect(run.exitCode == 1, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("""
            base: same (7 tables)
            variant bridge: same (7 tables)
            variant cphp: MISSING from the actual set (APIC.cphp, DSDT.cphp)
            variant nohpet: NEW in the actual set (DSDT.nohpet)
            variant numamem: DIFFERS in APIC, SRAT (2 of 8 tables)
              APIC (APIC.numamem -> APIC): DIFFERS (\(try golden("passthrough-gpu", "APIC").count) -> \(base["APIC"]!.count) bytes)
              SRAT.numamem: MISSING from the actual set
            not compared, variant cphp has no files in actual: expected/APIC.cphp, expected/DSDT.cphp
            not compared, variant nohpet has no files in expected: actual/DSDT.nohpet

            --- expected/APIC.numamem.dsl
            +++ actual/APIC.dsl
            """), "\(run.stdout)")
        #expect(run.stderr == "guestfw: error: 3 of 5 table sets differ\n")
    }

    @Test func identicalVariantTreesExitZero() throws {
        let tree = try qemuStyleBase().merging(["DSDT.bridge": try golden("pci-bridges", "DSDT"),
                                                "MCFG.mmio64": try golden("ecam-high", "MCFG")]) { $1 }
        let run = try DiffFixture(expected: tree, actual: tree).run()
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout == "base: same (7 tables)\nvariant bridge: same (7 tables)\nvariant mmio64: same (7 tables)\n")
    }

    /// Plain sets (no variant file on either side) keep a line per table; what is skipped is named.
    /// A FIFO is named by what it is and never opened (reading one would wait for a writer).
    @Test func plainSetsNameTheirSkippedEntries() throws {
        let table = mcfg(base: 0xB000_0000, busEnd: 0xFF)
        let fixture = try DiffFixture(expected: ["MCFG": table, "MCFG.dsl": Array("text\n".utf8)],
                                      actual: ["MCFG.dat": table, "notes.txt": Array("notes\n".utf8)])
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        #expect(mkfifo(fixture.root.appendingPathComponent("actual/DSDT").path, 0o644) == 0)
        let run = try fixture.run()
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout == """
            MCFG: same
            not compared, iasl's disassembly (.dsl), not a table: expected/MCFG.dsl
            not compared, a FIFO (named pipe), not a regular file: actual/DSDT
            not compared, not named by a table signature (DSDT, DSDT.dat, or a variant DSDT.bridge): actual/notes.txt

            """)
    }

    @Test func aMalformedVariantFileIsAnError() throws {
        var broken = try golden("pci-bridges", "DSDT")
        broken[40] ^= 0xFF
        let run = try DiffFixture(expected: try qemuStyleBase(), actual: try qemuStyleBase().merging(["DSDT.bridge": broken]) { $1 }).run()
        #expect(run.exitCode == 2)
        #expect(run.stderr.hasPrefix("guestfw: error: actual/DSDT.bridge: malformed DSDT table: wrong checksum"))
        #expect(run.stdout.isEmpty)
    }
}
