import Foundation
import TestSupport
import Testing

/// `guestfw lint`: one VM or table set per finding, the exact finding, and the fix that clears it.
/// Table sets are golden sets of Tables/ with one field changed (and the checksum made right
/// again); VMs take their host devices from the capture of Tests/VMConfigTests/Fixtures/sysfs/q35,
/// whose 0000:01:00.0 is QEMU's nvme behind a root port: PCI Express capability at 0x80, device/port
/// type 0 (endpoint).
@Suite("guestfw lint")
struct LintTests {
    // MARK: - Inputs

    /// A scratch copy of Tables/<name> (plan.json and acpi/), with `change` applied to acpi/.
    static func tableSet(_ name: String, change: (URL) throws -> Void = { _ in }) throws -> URL {
        let directory = try Guestfw.scratchDirectory()
        let set = directory.appendingPathComponent("set")
        try FileManager.default.createDirectory(at: set, withIntermediateDirectories: true)
        let golden = tablesDirectory.appendingPathComponent(name)
        try FileManager.default.copyItem(at: golden.appendingPathComponent("plan.json"), to: set.appendingPathComponent("plan.json"))
        try FileManager.default.copyItem(at: golden.appendingPathComponent("acpi"), to: set.appendingPathComponent("acpi"))
        try change(set.appendingPathComponent("acpi"))
        return directory
    }

    /// Writes `bytes` at `offset` of a table file and makes its checksum (byte 9) right again.
    static func patch(_ file: URL, at offset: Int, _ bytes: [UInt8]) throws {
        var table = [UInt8](try Data(contentsOf: file))
        table.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        table[9] = 0
        table[9] = 0 &- table.reduce(0, &+)
        try Data(table).write(to: file)
    }

    /// A VM with root port rp1 and `devices`, its host devices read from a copy of the capture
    /// (`prepare` may change the copy).
    static func vm(_ devices: String, prepare: (URL) throws -> Void = { _ in }) throws -> URL {
        let directory = try Guestfw.scratchDirectory()
        let snap = directory.appendingPathComponent("snap")
        try FileManager.default.copyItem(at: HostDeviceCLITests.capture, to: snap)
        try prepare(snap)
        let text = "memory = \"2G\"\n[[root_port]]\nid = \"rp1\"\n" + devices
        try Data(text.utf8).write(to: directory.appendingPathComponent("vm.toml"))
        return directory
    }

    /// 0000:01:00.0 with the device/port type of its PCI Express capability (Capabilities
    /// register at 0x80 + 2, bits 7:4) set to `type`.
    static func nvmeTyped(_ type: UInt8) -> (URL) throws -> Void {
        { snap in
            let file = snap.appendingPathComponent("0000:01:00.0/config")
            var config = [UInt8](try Data(contentsOf: file))
            #expect(config[0x80] == 0x10 && config[0x82] >> 4 == 0, "the capture's nvme is no longer a type-0 endpoint at 0x80")
            config[0x82] = config[0x82] & 0x0F | type << 4
            try Data(config).write(to: file)
        }
    }

    static func lint(_ directory: URL, _ arguments: [String]) throws -> GuestfwRun {
        let run = try Guestfw.run(in: directory, ["lint"] + arguments)
        try? FileManager.default.removeItem(at: directory)
        return run
    }

    /// Exit 1 with exactly these findings (each "id at where: reason\n  fix: ...").
    static func expectFindings(_ run: GuestfwRun, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.exitCode == 1, "\(run.stdout)\(run.stderr)", sourceLocation: sourceLocation)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        var found: [String] = []
        for (index, line) in lines.enumerated() where index + 1 < lines.count && lines[index + 1].hasPrefix("  fix: ") {
            found.append(line + "\n" + lines[index + 1])
        }
        #expect(found == expected, sourceLocation: sourceLocation)
        #expect(run.stderr.contains("\(expected.count) finding(s)"), sourceLocation: sourceLocation)
    }

    static func expectClean(_ run: GuestfwRun, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stdout.hasSuffix(": clean\n"), "\(run.stdout)", sourceLocation: sourceLocation)
        #expect(!run.stdout.contains("fix: "), sourceLocation: sourceLocation)
    }
}

// MARK: - Topology (a VM description)

extension LintTests {
    static let hostDevice = "[[device]]\nid = \"d0\"\nsysfs = \"snap\"\nhost = \"0000:01:00.0\"\n"
    static let portFix = "  fix: pass the endpoint functions instead (host = their BDFs): a port is part of the host's tree, and the guest's ports are described with [[root_port]] and [[switch]]"

    /// nvme is type 0 in the capture; with no bus key it is planned at bus 0's first endpoint slot, 01.0.
    @Test func endpointOnBusZero() throws {
        let run = try Self.lint(try Self.vm(Self.hostDevice), ["vm.toml"])
        Self.expectFindings(run, [
            "endpoint-on-bus-0 at 00:01.0 (d0, host 0000:01:00.0): a PCI Express endpoint (device/port type 0) directly on bus 0: Windows' pci.sys drops an endpoint that has no root port above it, so the device is missing in a Windows guest; only a root-complex integrated endpoint (type 9) belongs on a root bus (QEMU's vfio-pci rewrites a type-0 endpoint on its root bus to type 9 itself, Xen's passthrough does not)\n"
                + "  fix: put it behind a root port (bus = \"rp1\"), or have the VMM present it as a root-complex integrated endpoint (type 9)",
        ])
        Self.expectClean(try Self.lint(try Self.vm(Self.hostDevice + "bus = \"rp1\"\n"), ["vm.toml"]))
    }

    @Test func legacyEndpointOnBusZero() throws {
        let run = try Self.lint(try Self.vm(Self.hostDevice, prepare: Self.nvmeTyped(1)), ["vm.toml"])
        Self.expectFindings(run, [
            "endpoint-on-bus-0 at 00:01.0 (d0, host 0000:01:00.0): a PCI Express legacy endpoint (device/port type 1) directly on bus 0: Windows' pci.sys drops an endpoint that has no root port above it, so the device is missing in a Windows guest; only a root-complex integrated endpoint (type 9) belongs on a root bus (QEMU's vfio-pci rewrites only type 0, so this one reaches the guest as is)\n"
                + "  fix: put it behind a root port (bus = \"rp1\"), or have the VMM present it as a root-complex integrated endpoint (type 9)",
        ])
        Self.expectClean(try Self.lint(try Self.vm(Self.hostDevice + "bus = \"rp1\"\n", prepare: Self.nvmeTyped(1)), ["vm.toml"]))
    }

    /// A function whose capability says "downstream port" (type 6), passed behind a root port.
    @Test func switchPortWithoutParent() throws {
        let run = try Self.lint(try Self.vm(Self.hostDevice + "bus = \"rp1\"\n", prepare: Self.nvmeTyped(6)), ["vm.toml"])
        Self.expectFindings(run, [
            "switch-port-without-parent at 01:00.0 (d0, host 0000:01:00.0): the function claims to be a PCIe switch downstream port (device/port type 6) with a type-0 header, below a root port, where its parent must be a switch's upstream port: Windows' pci.sys, which drops PCIe functions without a valid upstream port as it drops endpoints on a root bus, does not enumerate it, and Linux re-types only a downstream port below a root or downstream port and an upstream port below an upstream port (set_pcie_port_type: \"claims to be ... port but is acting as ... port, correcting type\"), so it keeps an impossible hierarchy for ASPM, AER and hot-plug\n"
                + Self.portFix,
        ])
        // An upstream port (type 5) on bus 0 has no root or downstream port above it either.
        let upstream = try Self.lint(try Self.vm(Self.hostDevice, prepare: Self.nvmeTyped(5)), ["vm.toml"])
        #expect(upstream.exitCode == 1)
        #expect(upstream.stdout.hasPrefix("switch-port-without-parent at 00:01.0 (d0, host 0000:01:00.0): the function claims to be a PCIe switch upstream port (device/port type 5) with a type-0 header, on bus 0, where its parent must be a root port or a switch's downstream port: "))
        // The fix: the endpoint itself behind the root port.
        Self.expectClean(try Self.lint(try Self.vm(Self.hostDevice + "bus = \"rp1\"\n"), ["vm.toml"]))
    }

    @Test func rootPortBelowAPort() throws {
        let run = try Self.lint(try Self.vm(Self.hostDevice + "bus = \"rp1\"\n", prepare: Self.nvmeTyped(4)), ["vm.toml"])
        Self.expectFindings(run, [
            "root-port-below-port at 01:00.0 (d0, host 0000:01:00.0): the function claims to be a PCIe root port (device/port type 4) with a type-0 header, below a root port: a root port sits only on a root bus, so the guest sees a root port below a port, a hierarchy Windows' pci.sys does not accept and Linux's PCIe port services (AER, PME, hot-plug) misread\n"
                + Self.portFix,
        ])
    }

    /// The decoder refuses a switch that is not below a PCIe port before lint can see it.
    @Test func switchWithoutPortIsRefusedByTheDecoder() throws {
        let run = try Self.lint(try Self.vm("[[switch]]\nid = \"sw1\"\nbus = \"sw1d0\"\ndownstream = [{ id = \"sw1d0\" }]\n[[pci_bridge]]\nid = \"br1\"\n[[switch]]\nid = \"sw2\"\nbus = \"br1\"\ndownstream = [{ id = \"sw2d0\" }]\n"), ["vm.toml"])
        #expect(run.exitCode == 2, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("vm.toml"))
        #expect(run.stderr.contains("conventional PCI"), "\(run.stderr)")
    }

    /// 2^46 = 64 TiB: a 64 TiB window from 4 GiB on ends at 0x4000ffffffff (phys_bits 48 allows it).
    @Test func window64AboveOldGuestLimit() throws {
        let text = "phys_bits = 48\n[mmio]\nwindow64 = \"64T\"\n"
        let run = try Self.lint(try Self.vm("", prepare: { _ in }).replacingVM(prefix: text), ["vm.toml"])
        Self.expectFindings(run, [
            "window64-above-2^46 at DSDT \\_SB.PCI0._CRS memory window [0x100000000-0x4000ffffffff]: the window ends above 2^46: x86-64 Linux without 5-level paging maps at most 2^46 bytes of physical address space (MAX_PHYSMEM_BITS = 46) and older kernels and Windows releases mishandle BARs up there\n"
                + "  fix: keep the 64-bit window below 2^46 (a smaller mmio.window64)",
        ])
        Self.expectClean(try Self.lint(try Self.vm("").replacingVM(prefix: "phys_bits = 48\n[mmio]\nwindow64 = \"32T\"\n"), ["vm.toml"]))
    }
}

extension URL {
    /// Puts `prefix` (top-level keys and tables) before the VM's root port table.
    func replacingVM(prefix: String) throws -> URL {
        let file = appendingPathComponent("vm.toml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let split = text.range(of: "[[root_port]]")!
        try Data((String(text[..<split.lowerBound]) + prefix + String(text[split.lowerBound...])).utf8).write(to: file)
        return self
    }
}

// MARK: - Tables (golden sets with one fault)

extension LintTests {
    @Test func duplicateHostBridgeUID() throws {
        // Tables/expander: PCI0 has _UID 0, PC80 `Name (_UID, 0x80)` = 08 5F 55 49 44 0A 80.
        let set = try Self.tableSet("expander") { acpi in
            let file = acpi.appendingPathComponent("DSDT")
            let dsdt = [UInt8](try Data(contentsOf: file))
            let uid: [UInt8] = [0x08, 0x5F, 0x55, 0x49, 0x44, 0x0A, 0x80]
            let at = try #require((0...(dsdt.count - uid.count)).first { Array(dsdt[$0..<($0 + uid.count)]) == uid })
            try Self.patch(file, at: at + 6, [0x00])
        }
        Self.expectFindings(try Self.lint(set, ["set"]), [
            "duplicate-host-bridge-uid at DSDT \\_SB.PC80, \\_SB.PCI0 _UID: 2 host bridges (PNP0A08/PNP0A03) share _UID 0x0: Windows stops with bug check 0xA5 (ACPI_BIOS_ERROR) when two devices of one _HID have the same _UID\n"
                + "  fix: give every host bridge its own _UID (guestfw uses 0 for PCI0 and an expander's bus_nr for the others)",
        ])
        Self.expectClean(try Self.lint(try Self.tableSet("expander"), ["set"]))
    }

    /// FADT: PM1a_EVT_BLK is a 32-bit field at 56, X_PM1a_EVT_BLK a Generic Address at 148 whose
    /// 64-bit address starts 4 bytes in (ACPI 6.5, table 5.9).
    @Test func fadtWithoutPM1aEvent() throws {
        let set = try Self.tableSet("default") { acpi in
            let file = acpi.appendingPathComponent("FACP")
            try Self.patch(file, at: 56, [0, 0, 0, 0])
            try Self.patch(file, at: 152, [UInt8](repeating: 0, count: 8))
        }
        Self.expectFindings(try Self.lint(set, ["set"]), [
            "fadt-no-pm1a at FACP PM1a_EVT_BLK (offset 56) and X_PM1a_EVT_BLK.Address (offset 152): the FADT gives the PM1a event block address 0: Windows refuses an FADT without PM1a blocks (it has no driver for the hardware-reduced alternative, the Generic Event Device), so it does not boot\n"
                + "  fix: a full FADT with PM1a_EVT_BLK at the chipset's PM block (ICH9: PMBASE + 0), in both the 32-bit field and X_PM1a_EVT_BLK",
        ])
        // Only the X_ address zeroed: the legacy field still gives the block.
        Self.expectClean(try Self.lint(try Self.tableSet("default") { try Self.patch($0.appendingPathComponent("FACP"), at: 152, [UInt8](repeating: 0, count: 8)) }, ["set"]))
    }

    /// MCFG entry 0's base (offset 44) moved to 0xE0000000, inside the 32-bit hole: the plan's
    /// E820 reserves 0xB0000000-0xBFFFFFFF and RES0 (PNP0C02) the same, neither the new window.
    @Test func ecamNotReserved() throws {
        let move: (URL) throws -> Void = { try Self.patch($0.appendingPathComponent("MCFG"), at: 44, [0, 0, 0, 0xE0, 0, 0, 0, 0]) }
        let fix = "  fix: reserve the whole ECAM in a PNP0C02 device's _CRS (a Memory32Fixed, or a QWordMemory above 4 GiB) and as a reserved E820 entry"
        let linux = ": Linux logs \"MMCONFIG at [mem ...] not reserved in ACPI motherboard resources\" and then \"PCI: not using MMCONFIG\", losing extended config space (a partial E820 reservation only shrinks the buses it uses)\n"
        Self.expectFindings(try Self.lint(try Self.tableSet("default", change: move), ["set"]), [
            "ecam-not-reserved at MCFG entry 0 (segment 0, buses 00-ff, base 0xe0000000): the ECAM [0xe0000000-0xefffffff] is reserved neither in the E820 (set/plan.json, type reserved) nor by a PNP0C01/PNP0C02 device's _CRS" + linux + fix,
        ])
        // The tables alone: no E820 to consult, and the run says so.
        let alone = try Self.lint(try Self.tableSet("default", change: move), ["set/acpi"])
        Self.expectFindings(alone, [
            "ecam-not-reserved at MCFG entry 0 (segment 0, buses 00-ff, base 0xe0000000): the ECAM [0xe0000000-0xefffffff] is not reserved by a PNP0C01/PNP0C02 device's _CRS, and the E820 is unknown (no plan.json beside the tables)" + linux + fix,
        ])
        #expect(alone.stdout.contains("note: E820 unknown (no plan.json): the ECAM must then be reserved by a PNP0C01/PNP0C02 device"))
        Self.expectClean(try Self.lint(try Self.tableSet("default"), ["set/acpi"]))
    }

    /// MCFG entry 0's end bus (offset 55) cut from 0xFF to 0x7F while PCI0's _CRS keeps 00-ff.
    @Test func mcfgBusRange() throws {
        let set = try Self.tableSet("default") { try Self.patch($0.appendingPathComponent("MCFG"), at: 55, [0x7F]) }
        Self.expectFindings(try Self.lint(set, ["set"]), [
            "mcfg-bus-range at MCFG segment 0 (buses 00-7f) against the host bridges' _CRS (\\_SB.PCI0 00-ff): buses 80-ff of the host bridges' _CRS have no MCFG entry: Linux reaches their config space only through port 0xCF8, without extended config space (AER, resizable BARs), and logs \"MMCONFIG for domain ... only partially covers this bridge\"; Windows likewise finds no ECAM for them\n"
                + "  fix: make the MCFG's bus range (per segment) the buses the host bridges' _CRS claim: one host bridge, the same range; several, an MCFG range that covers all of theirs",
        ])
    }

    /// plan.json's phys_bits lowered to 35 (2^35 = 0x800000000): the golden 64-bit window of
    /// Tables/passthrough-gpu, [0x400000000-0xbffffffff], now ends beyond it.
    @Test func window64BeyondPhysBits() throws {
        let set = try Self.tableSet("passthrough-gpu")
        let plan = set.appendingPathComponent("set/plan.json")
        let text = try String(contentsOf: plan, encoding: .utf8)
        #expect(text.contains("\"start\": \"0x400000000\",\n      \"end\": \"0xbffffffff\""))
        try Data(text.replacingOccurrences(of: "\"physBits\": 40", with: "\"physBits\": 35").utf8).write(to: plan)
        Self.expectFindings(try Self.lint(set, ["set"]), [
            "window64-beyond-phys-bits at DSDT \\_SB.PCI0._CRS memory window [0x400000000-0xbffffffff]: the window ends above 2^35 (phys_bits 35, from set/plan.json): the guest's CPU cannot address it, so Linux and Windows cannot place or reach BARs there (Linux's ioremap refuses addresses beyond the CPU's physical address width)\n"
                + "  fix: end the 64-bit window below 2^35 (a smaller mmio.window64), or raise phys_bits to what the host CPU gives the guest",
        ])
        Self.expectClean(try Self.lint(try Self.tableSet("passthrough-gpu"), ["set"]))
    }
}

// MARK: - Clean inputs, JSON, bad input

extension LintTests {
    static let reference = Repository.qemuReferenceTables

    @Test func qemuReferenceTablesAreClean() throws {
        let run = try Guestfw.run(["lint", Self.reference.path])
        Self.expectClean(run)
    }

    @Test(arguments: exampleNames)
    func everyExampleIsClean(_ name: String) throws {
        let example = tablesDirectory.appendingPathComponent(name)
        for input in [example.appendingPathComponent("vm.toml"), example, example.appendingPathComponent("acpi")] {
            Self.expectClean(try Guestfw.run(["lint", input.path]))
        }
    }

    @Test func jsonOutput() throws {
        let run = try Self.lint(try Self.vm(Self.hostDevice), ["vm.toml", "--json"])
        #expect(run.exitCode == 1)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let findings = object?["findings"] as? [[String: String]] ?? []
        #expect(findings.map { $0["id"] } == ["endpoint-on-bus-0"])
        #expect(findings.first?["where"] == "00:01.0 (d0, host 0000:01:00.0)")
        #expect(findings.first?["fix"]?.hasPrefix("put it behind a root port") == true)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String
        var path: String
        var words: [String]
        var prepare: @Sendable (URL) throws -> Void = { _ in }
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "a missing directory", path: "nowhere", words: ["nowhere: no such file or directory", "accepted"]),
        Bad(name: "neither a description nor a directory", path: "/dev/null", words: ["/dev/null: is a character device"]),
        Bad(name: "a directory without tables", path: "empty", words: ["empty: holds no ACPI tables"], prepare: {
            try FileManager.default.createDirectory(at: $0.appendingPathComponent("empty"), withIntermediateDirectories: true)
        }),
        Bad(name: "a truncated table", path: "set", words: ["set/acpi/MCFG: malformed MCFG table", "truncated"], prepare: { directory in
            try FileManager.default.copyItem(at: tablesDirectory.appendingPathComponent("default/acpi"), to: directory.appendingPathComponent("set/acpi"))
            try FileManager.default.copyItem(at: tablesDirectory.appendingPathComponent("default/plan.json"), to: directory.appendingPathComponent("set/plan.json"))
            let file = directory.appendingPathComponent("set/acpi/MCFG")
            try Data(try Data(contentsOf: file).prefix(50)).write(to: file)
        }),
        Bad(name: "an unreadable plan.json", path: "set", words: ["set/plan.json: physBits = missing"], prepare: { directory in
            try FileManager.default.copyItem(at: tablesDirectory.appendingPathComponent("default/acpi"), to: directory.appendingPathComponent("set/acpi"))
            try Data("{}".utf8).write(to: directory.appendingPathComponent("set/plan.json"))
        }),
        Bad(name: "an invalid description", path: "vm.toml", words: ["vm.toml", "memory"], prepare: {
            try Data("memory = \"lots\"\n".utf8).write(to: $0.appendingPathComponent("vm.toml"))
        }),
    ]

    @Test(arguments: bad)
    func refused(_ input: Bad) throws {
        let directory = try Guestfw.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try input.prepare(directory)
        let run = try Guestfw.run(in: directory, ["lint", input.path])
        #expect(run.exitCode == 2, "\(run.stdout)\(run.stderr)")
        for word in input.words { #expect(run.stderr.contains(word), "\(word) not in: \(run.stderr)") }
        #expect(run.stdout.isEmpty)
    }
}
