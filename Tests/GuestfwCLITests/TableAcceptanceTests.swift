import Foundation
@testable import GuestfwCLI
import TestSupport
import Testing

let exampleNames = Repository.exampleNames

/// One example built by the real binary into a scratch directory.
struct BuiltExample {
    var name: String
    var directory: URL
    var plan: PlanFile

    init(_ name: String) throws {
        directory = try Guestfw.scratchDirectory()
        self.name = name
        try Data(try example(name).utf8).write(to: directory.appendingPathComponent("vm.toml"))
        let run = try Guestfw.run(in: directory, ["build", "vm.toml", "-o", "out"])
        guard run.exitCode == 0 else { throw BuildFailed(message: run.stderr) }
        plan = try PlanFile.read(directory.appendingPathComponent("out/plan.json"))
    }

    struct BuildFailed: Error { var message: String }

    var acpi: URL { directory.appendingPathComponent("out/acpi") }
    var loadable: [String] { ["DSDT", "FACP", "APIC", "HPET", "MCFG", "WAET"] }

    func acpiexec(_ commands: String) throws -> String {
        try ACPICA.run("acpiexec", ["-b", commands] + loadable, in: acpi).output
    }

    var functions: [PlanFile.Function] { plan.functions }
    var hostBridges: [PlanFile.HostBridge] { plan.hostBridges }

    static func nameSegment(_ bdf: String) -> String {
        let parts = bdf.split(whereSeparator: { $0 == ":" || $0 == "." })
        let devfn = (Int(parts[1], radix: 16) ?? 0) << 3 | (Int(parts[2]) ?? 0)
        let digits = String(devfn, radix: 16, uppercase: true)
        return "S" + (digits.count < 2 ? "0" + digits : digits)
    }

    /// The ACPI path of each host bridge: \_SB.PCI0, and PCxx after an expander's root bus.
    var hostBridgePaths: [String] {
        hostBridges.map { host in
            guard host.bdf != nil else { return "\\_SB.PCI0" }
            let digits = String(host.busStart, radix: 16, uppercase: true)
            return "\\_SB.PC" + (digits.count < 2 ? "0" + digits : digits)
        }
    }

    /// The ACPI path of every PCI-to-PCI bridge, nested under its host bridge and every bridge above it.
    var bridgePaths: [String] {
        let bridges = functions.filter { $0.secondaryBus != nil }
        let roots = Dictionary(uniqueKeysWithValues: zip(hostBridges.map(\.busStart), hostBridgePaths))
        func path(_ function: PlanFile.Function) -> String? {
            if let root = roots[function.bus] { return root + "." + Self.nameSegment(function.bdf) }
            guard let parent = bridges.first(where: { $0.secondaryBus == function.bus }), let above = path(parent) else { return nil }
            return above + "." + Self.nameSegment(function.bdf)
        }
        return bridges.compactMap(path)
    }
}

@Suite("ACPI tables of every example, checked by ACPICA")
struct TableAcceptanceTests {
    @Test(arguments: exampleNames)
    func iaslDisassemblesEveryTableCleanly(_ name: String) throws {
        let built = try BuiltExample(name)
        defer { try? FileManager.default.removeItem(at: built.directory) }
        for signature in built.loadable + ["FACS", "XSDT", "RSDT"] {
            let run = try ACPICA.run("iasl", ["-d", "-p", "check-\(signature)", signature], in: built.acpi)
            let dsl = (try? String(contentsOf: built.acpi.appendingPathComponent("check-\(signature).dsl"), encoding: .utf8)) ?? ""
            #expect(run.status == 0, "\(name) \(signature): \(run.output)")
            let complaints = (run.output + dsl).split(separator: "\n").filter {
                let lower = $0.lowercased()
                return lower.contains("error") || lower.contains("warning") || lower.contains("incorrect") || lower.contains("invalid")
            }
            #expect(complaints.isEmpty, "\(name) \(signature): \(complaints)")
        }
    }

    @Test(arguments: exampleNames)
    func dsdtDisassemblyRecompilesToTheSameBytes(_ name: String) throws {
        let built = try BuiltExample(name)
        defer { try? FileManager.default.removeItem(at: built.directory) }
        let run = try ACPICA.run("iasl", ["-p", "recompiled", "DSDT.dsl"], in: built.acpi)
        #expect(run.output.contains("0 Errors, 0 Warnings, 0 Remarks"), "\(name): \(run.output)")
        let ours = try [UInt8](Data(contentsOf: built.acpi.appendingPathComponent("DSDT")))
        let recompiled = try [UInt8](Data(contentsOf: built.acpi.appendingPathComponent("recompiled.aml")))
        // iasl writes its own compiler id and version (bytes 28-35) and so its own checksum (9);
        // everything else, the AML included, must be ours byte for byte.
        let meaningful: [Range<Int>] = [0..<9, 10..<28, 36..<ours.count]
        #expect(ours.count == recompiled.count)
        for range in meaningful where ours.count == recompiled.count {
            #expect(ours[range] == recompiled[range], "\(name): DSDT bytes \(range) differ after an iasl round trip")
        }
    }

    @Test(arguments: exampleNames)
    func acpiexecEvaluatesCRSOSCAndPRT(_ name: String) throws {
        let built = try BuiltExample(name)
        defer { try? FileManager.default.removeItem(at: built.directory) }
        let uuid = "(5b 4d db 33 f7 1f 1c 40 96 57 74 41 c0 3d d7 66)", otherUUID = "(5b 4d db 33 f7 1f 1c 40 96 57 74 41 c0 3d d7 67)"
        let request = "(00 00 00 00 1f 00 00 00 1f 00 00 00)"
        var commands = ["evaluate \\_SB.PCI0._OSC \(otherUUID) 1 3 \(request)",
                        "evaluate \\_SB.PCI0._OSC \(uuid) 2 3 \(request)"]
        // Every host bridge's _CRS, _PRT and _OSC, and every bridge's _PRT at any depth.
        for host in built.hostBridgePaths {
            commands += ["evaluate \(host)._CRS", "evaluate \(host)._PRT", "evaluate \(host)._OSC \(uuid) 1 3 \(request)"]
        }
        commands += built.bridgePaths.map { "evaluate \($0)._PRT" }
        #expect(built.bridgePaths.count == built.functions.filter { $0.secondaryBus != nil }.count, "\(name): a bridge without an ACPI path")
        let output = try built.acpiexec(commands.joined(separator: "; "))
        #expect(ACPIExec.failureLines(output).isEmpty, "\(name): \(ACPIExec.failureLines(output))")
        let returned = output.components(separatedBy: "Evaluation of ").count - 1
        #expect(returned == commands.count, "\(name): \(returned) of \(commands.count) evaluations returned")
        let oscResults = output.split(separator: "\n").filter { $0.contains("[Buffer] Length 0C") }
        #expect(oscResults.count == 2 + built.hostBridgePaths.count)
        if oscResults.count == 2 + built.hostBridgePaths.count {
            #expect(oscResults[0].contains("04 00 00 00 1F 00 00 00 1F 00 00 00"), "unknown UUID")
            #expect(oscResults[1].contains("18 00 00 00"), "unknown revision")
            // Granted by every host bridge: what was asked less SHPC (bit 1), and "capabilities masked".
            for granted in oscResults.dropFirst(2) { #expect(granted.contains("10 00 00 00 1F 00 00 00"), "\(name): \(granted)") }
        }
    }

    /// What Linux will read from each host bridge is exactly the plan's division: bus range, I/O
    /// ranges, 32-bit ranges (the ECAM outside them), 64-bit ranges; and PNP0C02 reserves the ECAM.
    @Test(arguments: exampleNames)
    func decodedResourcesEqualThePlan(_ name: String) throws {
        let built = try BuiltExample(name)
        defer { try? FileManager.default.removeItem(at: built.directory) }
        let ecamBase = built.plan.ecam.base.value, ecamSize = built.plan.ecam.size.value
        #expect(!built.hostBridges.isEmpty, "\(name): plan.json lists no host bridges")
        var pci0BusEnd: UInt64?
        for (host, path) in zip(built.hostBridges, built.hostBridgePaths) {
            let crs = ACPIExec.decodedCRS(try built.acpiexec("resources \(path)"))
            let bus = crs.first { $0.fields["Resource Type"] == "Bus Number Range" }
            #expect(bus?.hex("Address Minimum") == UInt64(host.busStart), "\(name) \(path)")
            #expect(bus?.hex("Address Maximum") == UInt64(host.busEnd), "\(name) \(path)")
            if host.bdf == nil { pci0BusEnd = bus?.hex("Address Maximum") }
            let memory = crs.filter { $0.fields["Resource Type"] == "Memory Range" }
                .compactMap { r in r.hex("Address Minimum").flatMap { min in r.hex("Address Maximum").map { "\(min)-\($0)" } } }
            let expected = (host.bdf != nil ? [] : ["\(0xA0000)-\(0xBFFFF)"])
                + (host.mmio32 + host.mmio64).map { "\($0.start.value)-\($0.end.value)" }
            #expect(memory == expected, "\(name) \(path)")
            let io = crs.filter { $0.fields["Resource Type"] == "I/O Range" }.compactMap { $0.hex("Address Maximum") }
            let plannedIO = host.io.map(\.end.value)
            #expect(plannedIO.allSatisfy(io.contains), "\(name) \(path): I/O \(io) lacks \(plannedIO)")
            #expect(!crs.contains { r in
                guard r.fields["Resource Type"] == "Memory Range", let min = r.hex("Address Minimum"),
                      let max = r.hex("Address Maximum") else { return false }
                return min <= ecamBase && ecamBase <= max
            }, "\(name) \(path): the ECAM is inside a host bridge window")
        }

        let reserved = ACPIExec.decodedCRS(try built.acpiexec("resources \\_SB.RES0"))
        // Memory32Fixed below 4 GiB, a QWordMemory above (Tables/ecam-high).
        if ecamBase + ecamSize <= 1 << 32 {
            let fixed = reserved.first { $0.title.hasPrefix("32-Bit Fixed Memory Range") }
            #expect(fixed?.hex("Address") == ecamBase && fixed?.hex("Address Length") == ecamSize, "\(name): PNP0C02 must reserve the ECAM")
        } else {
            let qword = reserved.first { $0.title.hasPrefix("64-Bit QWORD Address Space") && $0.fields["Resource Type"] == "Memory Range" }
            #expect(qword?.hex("Address Minimum") == ecamBase && qword?.hex("Address Length") == ecamSize, "\(name): PNP0C02 must reserve the ECAM")
        }
        let mcfg = try [UInt8](Data(contentsOf: built.acpi.appendingPathComponent("MCFG")))
        let mcfgBase = (0..<8).reduce(UInt64(0)) { $0 | UInt64(mcfg[44 + $1]) << (8 * $1) }
        // One MCFG entry covers every bus of segment 0; PCI0's _CRS ends below the first expander.
        #expect(mcfgBase == ecamBase && UInt64(mcfg[55]) == UInt64(built.plan.ecam.busEnd),
                "\(name): MCFG and the ECAM disagree")
        if built.hostBridges.count == 1 { #expect(pci0BusEnd == UInt64(mcfg[55]), "\(name): MCFG and _CRS disagree") }
    }
}
