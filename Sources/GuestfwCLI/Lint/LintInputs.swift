import ACPI
import Foundation
import Layout
import VMConfig

/// Gathers what `lint` checks from its input: a description (decoded, planned with its policy,
/// its tables built in memory as `build` would, nothing written) or a directory of tables (with
/// the plan.json of a `build` output directory when there is one).
enum LintInputs {
    /// Every check on a description: the topology from the description and plan, the table checks
    /// on the tables `build` would write, with the plan's E820 and phys_bits.
    static func config(_ path: String) throws(CommandError) -> LintReport {
        let machine = try ConfigInput.load(path, policy: nil)
        let plan: Plan
        let tables: [PlacedTable]
        do {
            plan = try ConfigInput.plan(machine, file: path)
            tables = try BuildOutputs.tables(plan, options: ACPIOptions(machine.tableIdentity), source: path)
        } catch {
            // No layout (exit 1 elsewhere) means no tables to check: lint cannot answer.
            throw .badInput("cannot lint \(path): \(error.message)")
        }
        var report = TopologyLint.check(machine, plan: plan)
        let bytes = Dictionary(tables.map { ($0.signature, $0.bytes) }, uniquingKeysWith: { a, _ in a })
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("guestfw-lint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let aml = amlSignatures.filter { bytes[$0] != nil }
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            for signature in aml { try Data(bytes[signature]!).write(to: scratch.appendingPathComponent(signature)) }
        } catch {
            throw .badInput("writing the tables for acpiexec into \(scratch.path): \(ConfigInput.readableReason(error))")
        }
        var facts = try tableFacts(bytes, aml: (scratch, aml), source: path)
        facts.e820Reserved = plan.e820.filter { $0.type == .reserved }.map { $0.range.start...$0.range.end }
        facts.e820Source = "the plan"
        facts.physBits = plan.physBits
        facts.physBitsSource = "the description"
        report.add(TableLint.check(facts))
        return report
    }

    /// The table checks on a directory of tables (`DIR/acpi` when DIR holds a plan.json, whose
    /// E820 and phys_bits are then used).
    static func directory(_ path: String) throws(CommandError) -> LintReport {
        let planPath = (path as NSString).appendingPathComponent("plan.json")
        let hasPlan = FileManager.default.fileExists(atPath: planPath)
        let set = try TableDirectory.read(hasPlan ? (path as NSString).appendingPathComponent("acpi") : path).base
        let aml = amlSignatures.filter { set.tables[$0] != nil }.map { (set.path(of: $0) as NSString).lastPathComponent }
        var facts = try tableFacts(set.tables, aml: (URL(fileURLWithPath: set.directory), aml), source: set.path(of: "DSDT"))
        if hasPlan {
            let summary = try PlanSummary.read(planPath)
            facts.e820Reserved = summary.e820Reserved
            facts.e820Source = planPath
            facts.physBits = summary.physBits
            facts.physBitsSource = planPath
        }
        var report = LintReport()
        report.notes.append("the endpoint-on-bus-0, switch-port-without-parent and root-port-below-port checks need the VM description (no table holds PCI Express types): run lint on the CONFIG")
        report.add(TableLint.check(facts))
        return report
    }

    /// The AML tables acpiexec loads.
    static let amlSignatures = ["DSDT", "SSDT"]

    /// FADT and MCFG fields from the bytes; host bridges and reservations from the AML tables,
    /// files in `aml.directory`.
    static func tableFacts(_ tables: [String: [UInt8]], aml: (directory: URL, files: [String]),
                           source: String) throws(CommandError) -> TableFacts {
        var facts = TableFacts()
        facts.pm1a = tables["FACP"].map { FADTReading.pm1a(TableBytes($0)) }
        facts.mcfg = tables["MCFG"].map { MCFGReading.allocations(TableBytes($0)) }
        guard tables["DSDT"] != nil else {
            facts.hasDSDT = false
            return facts
        }
        let namespace = try NamespaceReading.read(tables: aml.files, in: aml.directory, source: source)
        facts.hostBridges = namespace.hostBridges
        facts.motherboard = namespace.motherboard
        return facts
    }
}

/// The two things `lint` reads of a plan.json: the E820's reserved ranges and phys_bits.
struct PlanSummary {
    var physBits: Int
    var e820Reserved: [ClosedRange<UInt64>]

    static func read(_ path: String) throws(CommandError) -> PlanSummary {
        let bytes = try ConfigInput.readFile(path)
        let accepted = "accepted: the plan.json guestfw build writes"
        guard let root = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw .badInput("\(path): is not a JSON object; \(accepted)")
        }
        guard let bits = root["physBits"] as? Int, (1...64).contains(bits) else {
            throw .badInput("\(path): physBits = \(root["physBits"].map { "\($0)" } ?? "missing") is not a number of address bits 1-64; \(accepted)")
        }
        guard let entries = root["e820"] as? [[String: Any]] else {
            throw .badInput("\(path): e820 is missing or not a list of entries; \(accepted)")
        }
        var reserved: [ClosedRange<UInt64>] = []
        for (index, entry) in entries.enumerated() {
            func number(_ key: String) throws(CommandError) -> UInt64 {
                guard let text = entry[key] as? String, text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) else {
                    throw .badInput("\(path): e820[\(index)].\(key) = \(entry[key].map { "\($0)" } ?? "missing") is not a 0x-hex number; \(accepted)")
                }
                return value
            }
            let start = try number("start"), size = try number("size")
            guard entry["type"] as? String == E820Type.reserved.rawValue, size > 0 else { continue }
            let (last, overflow) = start.addingReportingOverflow(size - 1)
            guard !overflow else {
                throw .badInput("\(path): e820[\(index)] starts at \(hex(start)) with size \(hex(size)), past the end of the address space; \(accepted)")
            }
            reserved.append(start...last)
        }
        return PlanSummary(physBits: bits, e820Reserved: reserved)
    }
}
