import Foundation
import Testing

let exampleNames = ["default", "ecam-high", "hotplug-8", "hotplug-io0", "passthrough-gpu", "toolstack-64bus", "xen-large-bars"]

/// One example built by the real binary into a scratch directory.
struct BuiltExample {
    var name: String
    var directory: URL
    var plan: [String: Any]

    init(_ name: String) throws {
        directory = try Guestfw.scratchDirectory()
        self.name = name
        try Data(try example(name).utf8).write(to: directory.appendingPathComponent("vm.toml"))
        let run = try Guestfw.run(in: directory, ["build", "vm.toml", "-o", "out"])
        guard run.exitCode == 0 else { throw BuildFailed(message: run.stderr) }
        let data = try Data(contentsOf: directory.appendingPathComponent("out/plan.json"))
        plan = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    struct BuildFailed: Error { var message: String }

    var acpi: URL { directory.appendingPathComponent("out/acpi") }
    var loadable: [String] { ["DSDT", "FACP", "APIC", "HPET", "MCFG", "WAET"] }

    func acpiexec(_ commands: String) throws -> String {
        try ACPICA.run("acpiexec", ["-b", commands] + loadable, in: acpi).output
    }

    /// The plan's value at a key path, as an address.
    func address(_ path: String...) -> UInt64? {
        var value: Any? = plan
        for key in path { value = (value as? [String: Any])?[key] }
        return (value as? String).flatMap { UInt64($0.dropFirst(2), radix: 16) }
    }

    var rootPortAddresses: [String] {
        ((plan["functions"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == "root-port" }.compactMap {
            guard let bdf = $0["bdf"] as? String else { return nil }
            let parts = bdf.split(whereSeparator: { $0 == ":" || $0 == "." })
            guard let device = Int(parts[1], radix: 16), let function = Int(parts[2]) else { return nil }
            let digits = String(device << 3 | function, radix: 16, uppercase: true)
            return "\\_SB.PCI0.S" + (digits.count < 2 ? "0" + digits : digits)
        }
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
        var commands = ["evaluate \\_SB.PCI0._CRS", "evaluate \\_SB.PCI0._PRT",
                        "evaluate \\_SB.PCI0._OSC \(uuid) 1 3 \(request)",
                        "evaluate \\_SB.PCI0._OSC \(otherUUID) 1 3 \(request)",
                        "evaluate \\_SB.PCI0._OSC \(uuid) 2 3 \(request)"]
        commands += built.rootPortAddresses.map { "evaluate \($0)._PRT" }
        let output = try built.acpiexec(commands.joined(separator: "; "))
        #expect(ACPICA.failureLines(output).isEmpty, "\(name): \(ACPICA.failureLines(output))")
        let returned = output.components(separatedBy: "Evaluation of ").count - 1
        #expect(returned == commands.count, "\(name): \(returned) of \(commands.count) evaluations returned")
        let oscResults = output.split(separator: "\n").filter { $0.contains("[Buffer] Length 0C") }
        #expect(oscResults.count == 3)
        if oscResults.count == 3 {
            // Granted: what was asked less SHPC (bit 1), and "capabilities masked" in the status.
            #expect(oscResults[0].contains("10 00 00 00 1F 00 00 00"))
            #expect(oscResults[1].contains("04 00 00 00 1F 00 00 00 1F 00 00 00"), "unknown UUID")
            #expect(oscResults[2].contains("18 00 00 00"), "unknown revision")
        }
    }

    /// What Linux will read from the host bridge is exactly the plan: bus range, I/O window,
    /// 32-bit ranges (the ECAM outside them), 64-bit window; and PNP0C02 reserves the ECAM.
    @Test(arguments: exampleNames)
    func decodedResourcesEqualThePlan(_ name: String) throws {
        let built = try BuiltExample(name)
        defer { try? FileManager.default.removeItem(at: built.directory) }
        let crs = ACPICA.decodedCRS(try built.acpiexec("resources \\_SB.PCI0"))
        let ecam = (built.plan["ecam"] as? [String: Any]) ?? [:]
        let bus = crs.first { $0.fields["Resource Type"] == "Bus Number Range" }
        #expect(bus?.hex("Address Minimum") == 0)
        #expect(bus?.hex("Address Maximum") == UInt64(ecam["busEnd"] as? Int ?? -1))
        let memory = crs.filter { $0.fields["Resource Type"] == "Memory Range" }
            .compactMap { r in r.hex("Address Minimum").flatMap { min in r.hex("Address Maximum").map { (min, $0) } } }
        let windows = (built.plan["windows"] as? [String: Any]) ?? [:]
        var expected: [(UInt64, UInt64)] = [(0xA0000, 0xBFFFF)]
        for range in (windows["mmio32Ranges"] as? [[String: String]]) ?? [] {
            expected.append((UInt64(range["start"]!.dropFirst(2), radix: 16)!, UInt64(range["end"]!.dropFirst(2), radix: 16)!))
        }
        if let high = windows["mmio64"] as? [String: String] {
            expected.append((UInt64(high["start"]!.dropFirst(2), radix: 16)!, UInt64(high["end"]!.dropFirst(2), radix: 16)!))
        }
        #expect(memory.count >= 2 && crs.count >= 6, "\(name): acpiexec decoded too little: \(crs.map(\.title))")
        #expect(memory.map { "\($0.0)-\($0.1)" } == expected.map { "\($0.0)-\($0.1)" }, "\(name)")
        let io = crs.filter { $0.fields["Resource Type"] == "I/O Range" }.compactMap { $0.hex("Address Maximum") }
        #expect(io.last == built.address("windows", "io", "end"))
        let ecamBase = built.address("ecam", "base"), ecamSize = built.address("ecam", "size")
        #expect(!memory.contains { $0.0 <= ecamBase! && ecamBase! <= $0.1 }, "\(name): the ECAM is inside a host bridge window")

        let reserved = ACPICA.decodedCRS(try built.acpiexec("resources \\_SB.RES0"))
        // Memory32Fixed below 4 GiB, a QWordMemory above (Tables/ecam-high).
        if ecamBase! + ecamSize! <= 1 << 32 {
            let fixed = reserved.first { $0.title.hasPrefix("32-Bit Fixed Memory Range") }
            #expect(fixed?.hex("Address") == ecamBase && fixed?.hex("Address Length") == ecamSize, "\(name): PNP0C02 must reserve the ECAM")
        } else {
            let qword = reserved.first { $0.title.hasPrefix("64-Bit QWORD Address Space") && $0.fields["Resource Type"] == "Memory Range" }
            #expect(qword?.hex("Address Minimum") == ecamBase && qword?.hex("Address Length") == ecamSize, "\(name): PNP0C02 must reserve the ECAM")
        }
        let mcfg = try [UInt8](Data(contentsOf: built.acpi.appendingPathComponent("MCFG")))
        let mcfgBase = (0..<8).reduce(UInt64(0)) { $0 | UInt64(mcfg[44 + $1]) << (8 * $1) }
        #expect(mcfgBase == ecamBase && UInt64(mcfg[55]) == bus?.hex("Address Maximum"), "\(name): MCFG and _CRS disagree")
    }
}
