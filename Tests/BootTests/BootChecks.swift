import Foundation
import TestSupport

/// The comparisons between plan.json and what the guest reported. Each returns its problems as
/// sentences naming the function, the BAR or window, what was planned and what Linux found;
/// no problems means the check passed.
enum BootChecks {
    // MARK: BARs, windows, bus numbers

    /// What one sysfs `resource` line of a planned function should read.
    struct Expected {
        var what: String
        var address: UInt64
        var size: UInt64
    }

    /// Every planned function is where the plan put it, with every resource line equal to the
    /// plan, and every function Linux found but the plan does not list owns nothing.
    static func layout(_ plan: PlanFile, _ guest: GuestOutput) -> [String] {
        guard guest.sections["pci"] != nil else { return ["the guest printed no PCI section (init did not run)"] }
        let found = guest.functions(domain: digits(plan.ecam.segment, 4))
        var problems: [String] = []
        let linuxOpensIO = Set(portsLinuxOpensIOOn(plan).map(\.bdf))
        for function in plan.functions {
            let name = "\(function.id) (\(function.bdf))"
            guard let seen = found[function.bdf] else {
                problems.append("\(name): planned, but Linux did not find it at \(function.bdf)")
                continue
            }
            problems += buses(function, seen, name: name)
            problems += resources(function, seen, name: name, ioWindowLinuxOpens: linuxOpensIO.contains(function.bdf))
        }
        let planned = Set(plan.functions.map(\.bdf))
        for (bdf, seen) in found.sorted(by: { $0.key < $1.key }) where !planned.contains(bdf) {
            for (index, resource) in seen.resources.enumerated() where !resource.isEmpty {
                problems.append("\(bdf), which plan.json does not list: resource line \(index) holds \(describe(resource)), planned nothing")
            }
        }
        return problems
    }

    private static func buses(_ function: PlanFile.Function, _ seen: GuestFunction, name: String) -> [String] {
        guard let secondary = function.secondaryBus, let subordinate = function.subordinateBus else { return [] }
        guard let buses = seen.buses else { return ["\(name): planned as a bridge to buses \(secondary)-\(subordinate), but Linux shows no bus numbers"] }
        guard buses.secondary != secondary || buses.subordinate != subordinate else { return [] }
        return ["\(name) buses: planned secondary \(secondary) subordinate \(subordinate), found \(buses.secondary) \(buses.subordinate)"]
    }

    /// `ioWindowLinuxOpens`: the bridge's I/O window line may hold whatever Linux gave it.
    private static func resources(_ function: PlanFile.Function, _ seen: GuestFunction, name: String,
                                  ioWindowLinuxOpens: Bool = false) -> [String] {
        var expected = expectedLines(function, lineCount: seen.resources.count)
        let ioLine = seen.resources.count - 4
        if ioWindowLinuxOpens, ioLine >= 0, seen.resources[ioLine] != GuestResource(start: 0, end: 0) {
            expected[ioLine] = Expected(what: "io window (opened by Linux)", address: seen.resources[ioLine].start,
                                        size: seen.resources[ioLine].size)
        }
        var problems: [String] = []
        for index in expected.keys where index >= seen.resources.count {
            problems.append("\(name) \(expected[index]!.what): planned, but Linux lists only \(seen.resources.count) resource lines")
        }
        for (index, resource) in seen.resources.enumerated() {
            if let want = expected[index] {
                if resource.start != want.address || resource.size != want.size {
                    problems.append("\(name) \(want.what): planned \(hex(want.address)) size \(hex(want.size)), found \(describe(resource))")
                }
            } else if !resource.isEmpty {
                problems.append("\(name) resource line \(index): planned nothing, found \(describe(resource))")
            }
        }
        return problems
    }

    /// Line n of `resource` is BAR n, line 6 the ROM; a bridge's I/O, memory and prefetchable
    /// windows are its last four lines but one (after the SR-IOV lines when the kernel has
    /// CONFIG_PCI_IOV: lines 13-15 then, 7-9 without).
    static func expectedLines(_ function: PlanFile.Function, lineCount: Int) -> [Int: Expected] {
        var lines: [Int: Expected] = [:]
        for bar in function.bars {
            let what = bar.kind == "rom" ? "ROM" : "BAR \(bar.bar) (\(bar.kind))"
            // build refuses a plan with anything unassigned, so a booted plan has every address.
            guard let address = bar.address else { continue }
            lines[bar.bar] = Expected(what: what, address: address.value, size: bar.size.value)
        }
        if let windows = function.windows {
            let first = lineCount - 4
            for (offset, kind, range) in [(0, "io", windows.io), (1, "mem", windows.mem), (2, "pref", windows.pref)] {
                if let range {
                    lines[first + offset] = Expected(what: "\(kind) window", address: range.start.value, size: range.size)
                }
            }
        }
        return lines
    }

    // MARK: what Linux opens itself

    /// Hot-pluggable root ports the plan leaves without an I/O window (an explicit
    /// `reserve.io = "0"`, which the plan warns about): Linux opens one on each itself when it
    /// enumerates the port. That window, and the kernel's line saying it assigned it, are the
    /// only things the checks let Linux add.
    static func portsLinuxOpensIOOn(_ plan: PlanFile) -> [PlanFile.Function] {
        plan.functions.filter { $0.kind == "root-port" && $0.hotplug == true && $0.windows != nil && $0.windows?.io == nil }
    }

    /// The kernel's line for an I/O window it assigned to the bridge at `bdf` itself: 6.1's
    /// "BAR 13: assigned [io  0x1000-0x1fff]" or the later "bridge window [io  0x1000-0x1fff]: assigned".
    static func assignsIOWindow(_ line: String, domain: String, bdf: String) -> Bool {
        guard let match = line.firstMatch(of: #/ pci ([0-9a-f]{4}):([0-9a-f]{2}:[0-9a-f]{2}\.[0-7]): (?:bridge window \[io\s+0x[0-9a-f]+-0x[0-9a-f]+\]: assigned|BAR \d+: assigned \[io\s+0x[0-9a-f]+-0x[0-9a-f]+\])\s*$/#) else {
            return false
        }
        return match.1 == domain && match.2 == bdf
    }

    /// Linux did open the I/O window of every such port, and said so: the plan's warning holds.
    static func linuxOpenedIOWindows(_ plan: PlanFile, _ guest: GuestOutput) -> [String] {
        let domain = digits(plan.ecam.segment, 4)
        let found = guest.functions(domain: domain)
        return portsLinuxOpensIOOn(plan).flatMap { port -> [String] in
            let name = "\(port.id) (\(port.bdf))"
            var problems: [String] = []
            if let seen = found[port.bdf], seen.resources.count >= 4, seen.resources[seen.resources.count - 4].isEmpty {
                problems.append("\(name): hot-pluggable without a planned I/O window, and Linux did not open one either (io window line empty)")
            }
            if !guest.lines.contains(where: { assignsIOWindow($0, domain: domain, bdf: port.bdf) }) {
                problems.append("\(name): hot-pluggable without a planned I/O window, but the kernel printed no line assigning it one")
            }
            return problems
        }
    }

    // MARK: ECAM

    /// An ECAM window as the kernel announces it from the MCFG.
    struct ECAMWindow: Equatable, CustomStringConvertible {
        var domain: Int
        var busStart: Int
        var busEnd: Int
        var start: UInt64
        var end: UInt64
        /// Where bus 0 would be, whatever the first bus: the MCFG's base address field.
        var base: UInt64

        var description: String {
            "domain \(digits(domain, 4)) [bus \(digits(busStart, 2))-\(digits(busEnd, 2))] [mem \(hex(start, digits: 8))-\(hex(end, digits: 8))] (base \(hex(base)))"
        }

        init(domain: Int, busStart: Int, busEnd: Int, start: UInt64, end: UInt64, base: UInt64) {
            (self.domain, self.busStart, self.busEnd, self.start, self.end, self.base) = (domain, busStart, busEnd, start, end, base)
        }

        init(_ plan: PlanFile.ECAM) {
            self.init(domain: plan.segment, busStart: plan.busStart, busEnd: plan.busEnd, start: plan.base.value,
                      end: plan.base.value + plan.size.value - 1, base: plan.base.value - (UInt64(plan.busStart) << 20))
        }

        /// Linux 6.1's "PCI: MMCONFIG for domain D [bus S-E] at [mem A-B] (base C)", or the
        /// "PCI: ECAM [mem A-B] (base C) for domain D [bus S-E]" of later kernels.
        init?(kernelLine line: String) {
            let old = #/PCI: MMCONFIG for domain ([0-9a-f]+) \[bus ([0-9a-f]+)-([0-9a-f]+)\] at \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] \(base 0x([0-9a-f]+)\)/#
            let new = #/PCI: ECAM \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] \(base 0x([0-9a-f]+)\) for domain ([0-9a-f]+) \[bus ([0-9a-f]+)-([0-9a-f]+)\]/#
            let fields: [Substring]
            if let m = line.firstMatch(of: old) {
                fields = [m.1, m.2, m.3, m.4, m.5, m.6]
            } else if let m = line.firstMatch(of: new) {
                fields = [m.4, m.5, m.6, m.1, m.2, m.3]
            } else {
                return nil
            }
            let numbers = fields.map { UInt64($0, radix: 16) ?? 0 }
            self.init(domain: Int(numbers[0]), busStart: Int(numbers[1]), busEnd: Int(numbers[2]),
                      start: numbers[3], end: numbers[4], base: numbers[5])
        }
    }

    /// The kernel took the ECAM from the MCFG at the planned window and found it reserved (in
    /// the E820 map or as an ACPI motherboard resource), so it really uses it.
    static func ecam(_ plan: PlanFile, _ guest: GuestOutput) -> [String] {
        let planned = ECAMWindow(plan.ecam)
        let announced = guest.kernelLog.compactMap(ECAMWindow.init(kernelLine:))
        var problems: [String] = []
        if !announced.contains(planned) {
            let found = announced.isEmpty ? "no MMCONFIG/ECAM line" : announced.map(\.description).joined(separator: "; ")
            problems.append("ECAM (MMCONFIG): planned \(planned), found \(found)")
        }
        // "MMCONFIG at [mem A-B] reserved in E820" (6.1), "ECAM [mem A-B] reserved as E820 entry" (later).
        let reservation = #/PCI: (?:MMCONFIG at|ECAM) \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] reserved (?:in|as) (?:E820|ACPI motherboard resource)/#
        let reserved = guest.kernelLog.contains { line in
            guard let match = line.firstMatch(of: reservation) else { return false }
            return UInt64(match.1, radix: 16) == planned.start && UInt64(match.2, radix: 16) == planned.end
        }
        if !reserved {
            problems.append("ECAM (MMCONFIG): the kernel did not report [mem \(hex(planned.start, digits: 8))-\(hex(planned.end, digits: 8))] reserved (in E820 or as an ACPI motherboard resource)")
        }
        return problems
    }

    static func ecamLines(_ guest: GuestOutput) -> [String] {
        guest.kernelLog.filter { $0.contains("MMCONFIG") || $0.contains("ECAM") }
    }

    // MARK: complaints

    /// Kernel messages that mean Linux rejected or redid part of the firmware's work. Beyond
    /// the claim failures, a "pci ...: ... assigned" line means Linux placed something the
    /// firmware left unassigned (DESIGN.md invariant 8: Linux reassigns nothing).
    static let complaints: [String] = [
        "can't claim", "no compatible bridge window", "reassign", "ACPI Error", "ACPI BIOS Error", "Firmware Bug",
    ]

    /// With `plan`, Linux assigning an I/O window to a port of `portsLinuxOpensIOOn` is no complaint.
    static func complaints(_ guest: GuestOutput, plan: PlanFile? = nil) -> [String] {
        var seen = Set<String>()
        let domain = plan.map { digits($0.ecam.segment, 4) } ?? ""
        let opened = plan.map(portsLinuxOpensIOOn)?.map(\.bdf) ?? []
        return guest.lines.filter { line in
            let bad = complaints.contains { line.contains($0) }
                || line.firstMatch(of: #/ pci [0-9a-f]{4}:[0-9a-f:.]+: .*(\bassigned\b|failed to assign|no space for)/#) != nil
            let expected = opened.contains { assignsIOWindow(line, domain: domain, bdf: $0) }
            return bad && !expected && seen.insert(line).inserted
        }
    }

    // MARK: the boot as a whole

    /// Init ran to its end marker, the kernel powered down through ACPI S5 and QEMU left by
    /// itself with status 0, within the deadline.
    static func lifecycle(_ run: QEMURun, _ guest: GuestOutput, deadline: Double) -> [String] {
        var problems: [String] = []
        if run.killed {
            problems.append("QEMU still running after \(Int(deadline)) s: killed")
        } else if run.exitStatus != 0 {
            problems.append("QEMU exited with status \(run.exitStatus.map(String.init) ?? "?")")
        }
        if !guest.reachedInit {
            problems.append("the guest never reached init (no \"==== guestfw:begin ====\")")
        } else if !guest.initFinished {
            problems.append("init did not finish (no \"==== guestfw:end ====\")")
        }
        if !guest.poweredDown {
            problems.append("no \"reboot: Power down\": the guest did not power off through ACPI")
        }
        return problems
    }

    // MARK: formatting

    static func hex(_ value: UInt64, digits count: Int = 0) -> String {
        "0x" + digits(value, count)
    }

    /// Lowercase hex, zero-padded to `count` digits.
    static func digits<T: BinaryInteger>(_ value: T, _ count: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, count - text.count)) + text
    }

    static func describe(_ resource: GuestResource) -> String {
        resource.isEmpty ? "nothing (0x0 0x0)" : "\(hex(resource.start)) size \(hex(resource.size))"
    }
}
