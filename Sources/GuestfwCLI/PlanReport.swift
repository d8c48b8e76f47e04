import Foundation
import Layout
import VMConfig

/// The readable form of a plan: memory map, ECAM, host windows, then one row per BAR and bridge window.
enum PlanReport {
    static func render(_ plan: Plan) -> String {
        var sections = [header(plan), memory(plan), e820(plan)]
        if plan.hostBridges.count > 1 { sections.append(hostBridges(plan)) }
        sections.append(functions(plan))
        if !plan.unassigned.isEmpty { sections.append(unassigned(plan)) }
        if !plan.hazards.isEmpty {
            sections.append("Hazards (kept as hvmloader decides them)\n" + plan.hazards.map { "  - \($0.kind.rawValue): \($0.detail)" }.joined(separator: "\n"))
        }
        if !plan.departures.isEmpty {
            sections.append("Departures from hvmloader\n" + plan.departures.map { "  - " + $0 }.joined(separator: "\n"))
        }
        if plan.functions.contains(where: { $0.windows?.isExtension == true || $0.bars.contains(where: \.isExtension) }) {
            sections.append("Resources marked (ext) are placed by guestfw where hvmloader programs no bridge and leaves them to the guest OS.")
        }
        if plan.functions.contains(where: { $0.bars.contains(where: \.isFixed) }) {
            sections.append("BARs marked (identity) are at their host addresses (placement = \"identity\"); windows marked (fixed) are where those BARs put them.")
        }
        if !plan.warnings.isEmpty { sections.append("Warnings\n" + plan.warnings.map { "  - " + $0 }.joined(separator: "\n")) }
        return sections.joined(separator: "\n\n")
    }

    static func header(_ plan: Plan) -> String {
        "\(plan.name): policy \(plan.policy.rawValue), vmm \(plan.vmm.rawValue), \(plan.vcpus) vCPU\(plan.vcpus == 1 ? "" : "s"), phys_bits \(plan.physBits)"
    }

    static func range(_ range: AddressRange?) -> String {
        guard let range else { return "-" }
        return "\(hex(range.start))-\(hex(range.end))"
    }

    static func memory(_ plan: Plan) -> String {
        var table = TextTable(header: ["what", "range", "size"])
        let map = plan.memory
        table.rows.append(["low RAM", range(AddressRange(start: 0, size: map.lowRAMEnd)), Quantity.format(map.lowRAMEnd)])
        if let high = map.highRAM { table.rows.append(["high RAM", range(high), Quantity.format(high.size)]) }
        if map.relocatedRAM > 0 { table.rows.append(["RAM relocated above 4G", "", Quantity.format(map.relocatedRAM)]) }
        table.rows.append(["32-bit hole", range(map.hole), Quantity.format(FixedRanges.fourGiB - map.hole.start) + " below 4G"])
        if let ecam = plan.ecam {
            table.rows.append(["ECAM", range(ecam.range), "\(ecam.busEnd - ecam.busStart + 1) buses \(String(format: "%02x-%02x", ecam.busStart, ecam.busEnd)), segment \(ecam.segment)"])
        } else {
            table.rows.append(["ECAM", "unassigned", "no room in the hole"])
        }
        table.rows.append(["host window io", range(plan.windows.io), hex(plan.windows.io.size)])
        table.rows.append(["host window mmio32", range(plan.windows.mmio32), Quantity.format(plan.windows.mmio32.size)])
        table.rows.append(["host window mmio64", range(plan.windows.mmio64), plan.windows.mmio64.map { Quantity.format($0.size) } ?? "none"])
        table.rows.append(["ACPI tables", range(map.acpiTables), Quantity.format(map.acpiTables.size)])
        table.rows.append(["firmware ROM", range(map.firmwareROM), Quantity.format(map.firmwareROM.size)])
        return "Memory map\n" + table.rendered()
    }

    /// With expanders: what each host bridge claims (PCI0 keeps what they leave).
    static func hostBridges(_ plan: Plan) -> String {
        var table = TextTable(header: ["host bridge", "uid", "buses", "claims"])
        table.rows = plan.hostBridges.map { host in
            let ranges = (host.io + host.mmio32 + host.mmio64).map { range($0) }.joined(separator: " ")
            return [host.bdf.map { "\(host.id) (\($0))" } ?? host.id, String(host.uid),
                    String(format: "%02x-%02x", host.busStart, host.busEnd), ranges]
        }
        return "Host bridges\n" + table.rendered()
    }

    static func e820(_ plan: Plan) -> String {
        var table = TextTable(header: ["start", "end", "type", "purpose"])
        table.rows = plan.e820.map { [hex($0.range.start), hex($0.range.end), $0.type.rawValue, $0.purpose] }
        return "E820\n" + table.rendered()
    }

    static func functions(_ plan: Plan) -> String {
        var table = TextTable(header: ["bdf", "id", "kind", "resource", "range", "size", "irq"])
        for function in plan.functions {
            var first = true
            func row(_ resource: String, _ span: String, _ size: String) {
                let line = plan.interruptRouting == .xen ? "LNK" : "PIRQ"
                let irq = first ? (function.interrupt.map { "INT\(pinLetter($0.pin))>\(line)\(letter($0.pirq))>GSI \($0.gsi)" } ?? "-") : ""
                table.rows.append(first ? [function.bdf.description, function.id, kindText(function), resource, span, size, irq]
                                        : ["", "", "", resource, span, size, irq])
                first = false
            }
            if let secondary = function.secondaryBus, let subordinate = function.subordinateBus {
                row("buses", String(format: "%02x-%02x", secondary, subordinate), "")
            }
            let windowMark = function.windows?.isExtension == true ? " (ext)" : ""
            for (key, name, window) in [("io", "io window", function.windows?.io), ("mem", "mem window", function.windows?.mem),
                                        ("pref", "pref64 window", function.windows?.pref)] where function.windows != nil {
                let fixedMark = function.windows?.fixed.contains(key) == true ? " (fixed)" : ""
                row(name + windowMark + fixedMark, window.map { range($0) } ?? "none", window.map { Quantity.format($0.size) } ?? "")
            }
            for bar in function.bars {
                let kind = bar.kind.rawValue + (bar.prefetchable ? " pref" : "") + (bar.isExtension ? " (ext)" : "") + (bar.isFixed ? " (identity)" : "")
                row("BAR\(bar.index) \(kind)", bar.range.map { range($0) } ?? "UNASSIGNED", Quantity.format(bar.size))
            }
            if first { row("-", "", "") }
        }
        return "Functions\n" + table.rendered()
    }

    static func kindText(_ function: PlannedFunction) -> String {
        let model = function.model.map { " (\($0))" } ?? ""
        return function.kind.rawValue + (function.hotplug ? ", hotplug" : "") + model
    }

    static func unassigned(_ plan: Plan) -> String {
        var table = TextTable(header: ["id", "resource", "size"])
        table.rows = plan.unassigned.map { [$0.id, $0.bar.map { "BAR\($0) " } ?? "" + $0.kind, Quantity.format($0.size)] }
        return "Unassigned (left as hvmloader would leave them; build refuses this plan)\n" + table.rendered()
    }

    static func pinLetter(_ pin: Int) -> String { String(UnicodeScalar(UInt8(64 + pin))) }
    static func letter(_ pirq: Int) -> String { String(UnicodeScalar(UInt8(65 + pirq))) }
}

enum ComparisonReport {
    /// Both policies side by side; a policy with no layout says why, beside the other's summary.
    static func render(_ outcome: CompareOutcome) -> String {
        let plans = outcome.results.compactMap { try? $0.result.get() }
        if plans.count == 2 { return render(PlanComparison(plans[0], plans[1])) }
        var text = "\(outcome.name): \(outcome.results.map(\.policy.rawValue).joined(separator: " vs ")) placement (vmm \(outcome.vmm.rawValue))\n"
        for entry in outcome.results {
            if case .failure(let failure) = entry.result {
                text += "\n\(entry.policy.rawValue): no layout exists: \(failure.message)"
            }
        }
        guard let plan = plans.first else { return text }
        var summary = TextTable(header: ["", plan.policy.rawValue])
        summary.rows = PlanComparison.Field.allCases.map { [$0.rawValue, PlanComparison.value($0, plan)] }
        return text + "\n\n" + summary.rendered()
    }

    static func render(_ comparison: PlanComparison) -> String {
        var summary = TextTable(header: ["", "hvmloader", "toolstack", ""])
        summary.rows = comparison.rows.map { [$0.field.rawValue, $0.left, $0.right, $0.differs ? "differs" : ""] }
        var text = "\(comparison.left.name): hvmloader vs toolstack placement (vmm \(comparison.left.vmm.rawValue))\n\n" + summary.rendered()
        if let identity = identitySection(comparison.left) { text += "\n\n" + identity }
        guard !comparison.differences.isEmpty else { return text + "\n\nEvery BAR and window has the same address under both policies." }
        let hvmloaderIsLeft = comparison.left.policy == .hvmloader
        var table = TextTable(header: ["bdf", "resource", "size", "hvmloader", "toolstack"])
        table.rows = comparison.differences.map { difference in
            func cell(_ address: UInt64?, hvmloader: Bool) -> String {
                guard let address else { return "unassigned" }
                return hex(address) + (hvmloader && difference.hvmloaderLeavesIt ? " (extension)" : "")
            }
            return [difference.bdf, difference.resource, Quantity.format(difference.size),
                    cell(difference.left, hvmloader: hvmloaderIsLeft), cell(difference.right, hvmloader: !hvmloaderIsLeft)]
        }
        text += "\n\nResources placed differently (\(comparison.differences.count))\n" + table.rendered()
        if let note = leftToGuestNote(comparison) { text += "\n\n" + note }
        return text
    }

    /// The identity BARs: fixed at the host's address, so the same under both policies.
    static func identitySection(_ plan: Plan) -> String? {
        var table = TextTable(header: ["bdf", "resource", "size", "address"])
        for function in plan.functions {
            for bar in function.bars where bar.isFixed {
                table.rows.append([function.bdf.description, "\(function.id) BAR\(bar.index) \(bar.kind.rawValue)", Quantity.format(bar.size),
                                   bar.address.map(hex) ?? "unassigned"])
            }
        }
        guard !table.rows.isEmpty else { return nil }
        return "Fixed by placement = \"identity\" (at the host's addresses under both policies) (\(table.rows.count))\n" + table.rendered()
    }

    /// Says how much of the difference is only what hvmloader does not place itself.
    static func leftToGuestNote(_ comparison: PlanComparison) -> String? {
        let left = comparison.differences.filter(\.hvmloaderLeavesIt)
        guard !left.isEmpty else { return nil }
        let unassigned = left.filter { $0.left == nil || $0.right == nil }.count
        let parts = [unassigned > 0 ? "\(unassigned) unassigned under hvmloader" : nil,
                     left.count > unassigned ? "\(left.count - unassigned) placed by guestfw behind a bridge and marked extension" : nil]
        let which = parts.compactMap { $0 }.joined(separator: ", ")
        if comparison.differsOnlyInWhatHvmloaderLeavesToTheGuest {
            return "The two layouts differ only in what hvmloader leaves to the guest: every resource placed differently is one hvmloader does not place itself (\(which)); the ECAM, the hole and RAM are the same."
        }
        return "\(left.count) of the \(comparison.differences.count) differences are only in what hvmloader leaves to the guest (\(which)); the rest are the two policies' own choices."
    }
}
