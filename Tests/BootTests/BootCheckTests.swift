import Foundation
import TestSupport
import Testing

/// The checks themselves, on guest output written from plan.json the way Linux and
/// scripts/boot-init.sh would print it: a guest that shows exactly the plan passes, and each
/// kind of difference is named. Until the firmware boots, this is the proof that a correct
/// boot would pass; the SeaBIOS runs (GUESTFW_BOOT_SEABIOS=1) are the proof that a wrong one fails.
@Suite("boot checks on synthetic guest output")
struct BootCheckTests {
    static func plan(_ example: String) throws -> PlanFile {
        try Repository.examplePlan(example)
    }

    /// Endpoints list 13 resource lines and bridges 17 with this Debian kernel (CONFIG_PCI_IOV).
    static func guestText(_ plan: PlanFile, ecamLine: String? = nil, change: (String, inout [GuestResource]) -> Void = { _, _ in }) -> String {
        var lines = ["==== guestfw:begin ====", "==== guestfw:pci ===="]
        let domain = BootChecks.digits(plan.ecam.segment, 4)
        for function in plan.functions {
            lines.append("device \(domain):\(function.bdf)")
            if let secondary = function.secondaryBus, let subordinate = function.subordinateBus {
                lines.append("buses \(secondary) \(subordinate)")
            }
            let count = function.windows == nil ? 13 : 17
            var resources = Array(repeating: GuestResource(start: 0, end: 0), count: count)
            for (index, want) in BootChecks.expectedLines(function, lineCount: count) {
                resources[index] = GuestResource(start: want.address, end: want.address + want.size - 1)
            }
            change(function.bdf, &resources)
            for (index, resource) in resources.enumerated() {
                lines.append("resource \(index) \(BootChecks.hex(resource.start, digits: 16)) \(BootChecks.hex(resource.end, digits: 16)) 0x0000000000040200")
            }
        }
        let window = BootChecks.ECAMWindow(plan.ecam)
        let range = "[mem \(BootChecks.hex(window.start, digits: 8))-\(BootChecks.hex(window.end, digits: 8))]"
        lines += ["==== guestfw:dmesg ====",
                  ecamLine ?? "[    1.0] PCI: MMCONFIG for domain \(BootChecks.digits(window.domain, 4)) [bus \(BootChecks.digits(window.busStart, 2))-\(BootChecks.digits(window.busEnd, 2))] at \(range) (base \(BootChecks.hex(window.base)))",
                  "[    1.1] PCI: MMCONFIG at \(range) reserved in E820",
                  "==== guestfw:end ====", "[    2.0] reboot: Power down"]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    @Test(arguments: Examples.runnable)
    func aGuestShowingThePlanPasses(_ example: String) throws {
        let plan = try Self.plan(example)
        let guest = GuestOutput(Self.guestText(plan))
        #expect(BootChecks.layout(plan, guest) == [])
        #expect(BootChecks.ecam(plan, guest) == [])
        #expect(BootChecks.complaints(guest) == [])
    }

    @Test func aMovedBARIsNamedWithPlannedAndFound() throws {
        let plan = try Self.plan("default")
        let function = try #require(plan.functions.first { !$0.bars.isEmpty })
        let bar = function.bars[0]
        let address = try #require(bar.address)
        let guest = GuestOutput(Self.guestText(plan) { bdf, resources in
            if bdf == function.bdf { resources[bar.bar].start += bar.size.value; resources[bar.bar].end += bar.size.value }
        })
        let problems = BootChecks.layout(plan, guest)
        #expect(problems.count == 1)
        #expect(problems.first?.contains("\(function.id) (\(function.bdf))") == true)
        #expect(problems.first?.contains("planned \(address) size \(bar.size), found \(BootChecks.hex(address.value + bar.size.value))") == true, "\(problems)")
    }

    @Test func aWindowThePlanClosesMustReadZero() throws {
        let plan = try Self.plan("default")
        let port = try #require(plan.functions.first { $0.windows != nil && $0.windows?.io == nil })
        var ioLine = -1
        let guest = GuestOutput(Self.guestText(plan) { bdf, resources in
            guard bdf == port.bdf else { return }
            ioLine = resources.count - 4
            resources[ioLine] = GuestResource(start: 0x1000, end: 0x1fff)
        })
        #expect(BootChecks.layout(plan, guest) == ["\(port.id) (\(port.bdf)) resource line \(ioLine): planned nothing, found 0x1000 size 0x1000"])
    }

    @Test func aMissingFunctionAndOtherBusNumbersAreNamed() throws {
        let plan = try Self.plan("default")
        let port = try #require(plan.functions.first { $0.secondaryBus != nil })
        let endpoint = try #require(plan.functions.first { $0.bus == port.secondaryBus })
        var text = Self.guestText(plan)
        text = text.replacingOccurrences(of: "device 0000:\(endpoint.bdf)", with: "device 0000:7f:00.0")
        text = text.replacingOccurrences(of: "buses \(port.secondaryBus!) \(port.subordinateBus!)\r\n", with: "buses 127 127\r\n")
        let problems = BootChecks.layout(plan, GuestOutput(text))
        #expect(problems.contains { $0.hasPrefix("\(endpoint.id) (\(endpoint.bdf)): planned, but Linux did not find it") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("\(port.id) (\(port.bdf)) buses: planned secondary \(port.secondaryBus!)") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("7f:00.0, which plan.json does not list") }, "\(problems)")
    }

    /// Later kernels say "ECAM" where 6.1 says "MMCONFIG"; both are read, and another window is named.
    @Test func ecamLinesOfEitherKernelAreRead() throws {
        let plan = try Self.plan("default")
        let window = BootChecks.ECAMWindow(plan.ecam)
        let newer = "[    1.0] PCI: ECAM [mem \(BootChecks.hex(window.start, digits: 8))-\(BootChecks.hex(window.end, digits: 8))] (base \(BootChecks.hex(window.base))) for domain 0000 [bus \(BootChecks.digits(window.busStart, 2))-\(BootChecks.digits(window.busEnd, 2))]"
        #expect(BootChecks.ecam(plan, GuestOutput(Self.guestText(plan, ecamLine: newer))) == [])
        let elsewhere = newer.replacingOccurrences(of: BootChecks.hex(window.start, digits: 8), with: BootChecks.hex(window.start + 0x1000_0000, digits: 8))
        let problems = BootChecks.ecam(plan, GuestOutput(Self.guestText(plan, ecamLine: elsewhere)))
        #expect(problems.count == 1 && problems[0].hasPrefix("ECAM (MMCONFIG): planned \(window), found "), "\(problems)")
    }

    /// hotplug-io0's hp1 has reserve.io = "0": Linux's own I/O window there, and its line saying
    /// it assigned it, pass; the same on any other port does not, and neither does its absence.
    @Test func linuxOwnIOWindowOnExactlyThatPort() throws {
        let plan = try Self.plan("hotplug-io0")
        let opened = BootChecks.portsLinuxOpensIOOn(plan)
        #expect(opened.map(\.id) == ["hp1"])
        let hp1 = try #require(opened.first)
        let cold = try #require(plan.functions.first { $0.id == "rp1" })
        func guest(openingOn ports: [PlanFile.Function], lines: [String]) -> GuestOutput {
            var text = Self.guestText(plan) { bdf, resources in
                if ports.contains(where: { $0.bdf == bdf }) { resources[resources.count - 4] = GuestResource(start: 0x1000, end: 0x1fff) }
            }
            text = text.replacingOccurrences(of: "==== guestfw:end ====", with: (lines + ["==== guestfw:end ===="]).joined(separator: "\r\n"))
            return GuestOutput(text)
        }
        let assigned61 = "[    1.4] pci 0000:\(hp1.bdf): BAR 13: assigned [io  0x1000-0x1fff]"
        let assignedNew = "[    1.4] pci 0000:\(hp1.bdf): bridge window [io  0x1000-0x1fff]: assigned"
        for line in [assigned61, assignedNew] {
            let ok = guest(openingOn: [hp1], lines: [line])
            #expect(BootChecks.layout(plan, ok) == [])
            #expect(BootChecks.complaints(ok, plan: plan) == [])
            #expect(BootChecks.linuxOpenedIOWindows(plan, ok) == [])
            // Without the plan, the line is a complaint as before.
            #expect(BootChecks.complaints(ok) == [line])
        }
        // The same window and line on a cold port are departures.
        let coldLine = assignedNew.replacingOccurrences(of: hp1.bdf, with: cold.bdf)
        let wrong = guest(openingOn: [hp1, cold], lines: [assignedNew, coldLine])
        #expect(BootChecks.layout(plan, wrong) == ["rp1 (\(cold.bdf)) resource line 13: planned nothing, found 0x1000 size 0x1000"])
        #expect(BootChecks.complaints(wrong, plan: plan) == [coldLine])
        // A failure to assign it stays a complaint; no window and no line mean the warning was wrong.
        let failed = "[    1.4] pci 0000:\(hp1.bdf): BAR 13: failed to assign [io  size 0x1000]"
        let none = guest(openingOn: [], lines: [failed])
        #expect(BootChecks.complaints(none, plan: plan) == [failed])
        #expect(BootChecks.linuxOpenedIOWindows(plan, none) == [
            "hp1 (\(hp1.bdf)): hot-pluggable without a planned I/O window, and Linux did not open one either (io window line empty)",
            "hp1 (\(hp1.bdf)): hot-pluggable without a planned I/O window, but the kernel printed no line assigning it one",
        ])
    }

    /// Both ways the kernel says it placed something itself: 6.1's backported and the older wording.
    @Test func linuxAssigningAnythingIsAComplaint() {
        let lines = ["[    1.0] pci 0000:00:12.0: bridge window [io  0x1000-0x1fff]: assigned",
                     "[    1.0] pci 0000:00:12.0: BAR 13: assigned [io  0x1000-0x1fff]",
                     "[    1.0] pci 0000:00:12.0: BAR 13: failed to assign [io  size 0x1000]",
                     "[    1.0] pci 0000:00:02.0: can't claim BAR 4 [mem 0x1-0x2]: no compatible bridge window"]
        let harmless = "[    1.0] pci 0000:00:1f.0: quirk: [io  0x0600-0x067f] claimed by ICH6 ACPI/GPIO/TCO"
        #expect(BootChecks.complaints(GuestOutput((lines + [harmless]).joined(separator: "\n"))) == lines)
    }
}
