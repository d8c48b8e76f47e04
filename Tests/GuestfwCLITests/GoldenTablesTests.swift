import Foundation
import Testing

/// Every example's tables, plan.json, toolstack.json (and xl.cfg for Xen), as built now, equal the reviewed golden
/// files byte for byte (`make bless` rewrites them). On a mismatch the failure carries
/// `guestfw diff`'s ASL-level diff, as QEMU's bios-tables-test prints one. The .dsl files are not
/// compared: they depend on the installed iasl's version, the binaries do not.
@Suite("Golden tables")
struct GoldenTablesTests {
    @Test(arguments: exampleNames)
    func buildEqualsGolden(_ name: String) throws {
        let golden = tablesDirectory.appendingPathComponent(name)
        let built = try BuiltExample(name)
        defer { try? FileManager.default.removeItem(at: built.directory) }
        let goldenTables = try FileManager.default.contentsOfDirectory(atPath: golden.appendingPathComponent("acpi").path)
            .filter { !$0.hasSuffix(".dsl") }.sorted()
        let builtTables = try FileManager.default.contentsOfDirectory(atPath: built.acpi.path)
            .filter { !$0.hasSuffix(".dsl") }.sorted()
        #expect(goldenTables == builtTables, "\(name): a different set of tables")
        var changed: [String] = []
        // xl.cfg only for the examples that have one (vmm = "xen"), and then it must be built too.
        let xl = FileManager.default.fileExists(atPath: golden.appendingPathComponent("xl.cfg").path) ? ["xl.cfg"] : []
        for file in goldenTables.map({ "acpi/" + $0 }) + ["plan.json", "toolstack.json"] + xl {
            let expected = try Data(contentsOf: golden.appendingPathComponent(file))
            let actual = try? Data(contentsOf: built.directory.appendingPathComponent("out").appendingPathComponent(file))
            if expected != actual { changed.append(file) }
        }
        if !changed.isEmpty {
            let diff = try Guestfw.run(in: built.directory, ["diff", golden.appendingPathComponent("acpi").path, "out/acpi"])
            Issue.record("\(name): \(changed.joined(separator: ", ")) changed; if intended, run `make bless` and review git diff Tables/\n\(diff.stdout)\(diff.stderr)")
        }
    }

    /// A folder of Tables/ with a vm.toml but no golden files would compare nothing.
    @Test(arguments: exampleNames)
    func everyExampleHasGoldenFiles(_ name: String) throws {
        let golden = tablesDirectory.appendingPathComponent(name)
        for file in ["plan.json", "toolstack.json", "acpi/DSDT", "acpi/MCFG"] {
            #expect(FileManager.default.fileExists(atPath: golden.appendingPathComponent(file).path), "Tables/\(name)/\(file) (make bless writes it)")
        }
        #expect(exampleNames.count >= 11)
    }
}
