import Layout
import Testing
import VMConfig

/// The planner on trees deeper than one root port, described as MachineConfig values; bus
/// numbers and interrupt routes worked out by hand from the PCI rules (depth-first numbering;
/// a bridge forwards pin P of device d on its secondary bus as pin (P + d) mod 4).
@Suite("PCI tree")
struct TreePlannerTests {
    /// rp1 -> sw1 (upstream) -> sw1d0 (hot-plug, 2M memory), sw1d1 -> sw2 -> sw2d0 (nvme),
    /// sw2d1 (virtio-blk), and sw1d2 empty.
    static func twoLevelSwitch(policy: PlacementPolicy = .toolstack) -> MachineConfig {
        var config = MachineConfig(
            name: "switches", vmm: .qemu, memory: 2 << 30, vcpus: 1, ecam: ECAMConfig(policy: policy, buses: 256),
            rootPorts: [RootPort(id: "rp1")],
            devices: [Device(id: "disk0", model: "nvme", bus: "sw2d0"), Device(id: "disk1", model: "virtio-blk-pci", bus: "sw2d1")])
        config.switches = [
            Switch(id: "sw1", bus: "rp1", downstream: [
                DownstreamPort(id: "sw1d0", hotplug: true, reserve: Reservation(mem: 2 << 20)),
                DownstreamPort(id: "sw1d1"), DownstreamPort(id: "sw1d2"),
            ]),
            Switch(id: "sw2", bus: "sw1d1", downstream: [DownstreamPort(id: "sw2d0"), DownstreamPort(id: "sw2d1")]),
        ]
        return config
    }

    static func function(_ plan: Plan, _ id: String) throws -> PlannedFunction {
        try #require(plan.functions.first { $0.id == id }, "\(id)")
    }

    /// `Plan.placement(of:)` (what qemu-args --stand-in matches at) is where the planner chose
    /// the model: virtio-net-pci is transitional (1af4:1000) on bus 0 and on a pcie-pci-bridge's
    /// conventional bus, modern-only (1af4:1041) behind a root port.
    @Test func placementFollowsTheBus() throws {
        let toml = """
            memory = "2G"
            [[root_port]]
            id = "rp1"
            [[root_port]]
            id = "rp2"
            [[pci_bridge]]
            id = "br1"
            model = "pcie-pci-bridge"
            bus = "rp2"
            [[device]]
            id = "a"
            model = "virtio-net-pci"
            [[device]]
            id = "b"
            model = "virtio-net-pci"
            bus = "rp1"
            [[device]]
            id = "c"
            model = "virtio-net-pci"
            bus = "br1"
            addr = "1.0"
            """
        let plan = try Planner.plan(ConfigLoader.load(text: toml, file: "t.toml"))
        let expected: [(String, Placement, UInt16)] = [("a", .rootBus, 0x1000), ("b", .rootPort, 0x1041), ("c", .conventional, 0x1000)]
        for (id, placement, deviceID) in expected {
            let function = try Self.function(plan, id)
            #expect(plan.placement(of: function) == placement, "\(id)")
            #expect(function.deviceID == deviceID, "\(id)")
        }
        #expect(plan.parent(of: try Self.function(plan, "c"))?.id == "br1")
        #expect(plan.parent(of: try Self.function(plan, "a")) == nil)
    }

    /// rp1 at 00:10.0 takes bus 1; sw1's upstream port sits at 01:00.0 with its internal bus 2;
    /// downstream ports 02:00.0, 02:01.0, 02:02.0. sw1d0 gets bus 3; sw1d1 bus 4, with sw2's
    /// upstream at 04:00.0 (bus 5) and its downstream ports 05:00.0 (bus 6, disk0 at 06:00.0) and
    /// 05:01.0 (bus 7, disk1 at 07:00.0); sw1d2 bus 8. rp1 spans 1-8, sw1 2-8, sw1d1 4-7.
    @Test func busesAreNumberedDepthFirst() throws {
        let plan = try Planner.plan(Self.twoLevelSwitch())
        let expected: [(String, String, Int, Int)] = [
            ("rp1", "00:10.0", 1, 8), ("sw1", "01:00.0", 2, 8), ("sw1d0", "02:00.0", 3, 3), ("sw1d1", "02:01.0", 4, 7),
            ("sw2", "04:00.0", 5, 7), ("sw2d0", "05:00.0", 6, 6), ("sw2d1", "05:01.0", 7, 7), ("sw1d2", "02:02.0", 8, 8),
        ]
        for (id, bdf, secondary, subordinate) in expected {
            let bridge = try Self.function(plan, id)
            #expect(bridge.bdf.description == bdf, "\(id)")
            #expect(bridge.secondaryBus == secondary && bridge.subordinateBus == subordinate, "\(id)")
        }
        #expect(try Self.function(plan, "disk0").bdf.description == "06:00.0")
        #expect(try Self.function(plan, "disk1").bdf.description == "07:00.0")
        #expect(try Self.function(plan, "sw1").kind == .switchUpstream)
        #expect(try Self.function(plan, "sw1d0").hotplug)
    }

    /// disk0 INTA: sw2d0 forwards INTA (device 0), sw2 INTA (sw2d0 is device 0), sw1d1 INTA,
    /// sw1 INTB (sw1d1 is device 1), rp1 INTB at slot 0x10: PIRQ E + (0x10 + 1) mod 4 = F, GSI 21.
    /// disk1 INTA: sw2d1 INTA, sw2 INTB (device 1), sw1d1 INTB, sw1 INTC, rp1 INTC: PIRQG, GSI 22.
    @Test func interruptsSwizzleThroughEveryLevel() throws {
        let plan = try Planner.plan(Self.twoLevelSwitch())
        let disk0 = try #require(try Self.function(plan, "disk0").interrupt)
        #expect(disk0.rootSlot == 0x10 && disk0.rootPin == 1 && disk0.gsi == 21)
        let disk1 = try #require(try Self.function(plan, "disk1").interrupt)
        #expect(disk1.rootSlot == 0x10 && disk1.rootPin == 2 && disk1.gsi == 22)
    }

    /// Every window nests in its parent's, of the same kind; the hot-plug port holds its 2M.
    @Test(arguments: PlacementPolicy.allCases)
    func windowsNestAndHoldTheirReservations(policy: PlacementPolicy) throws {
        let config = Self.twoLevelSwitch(policy: policy)
        let plan = try Planner.plan(config)
        #expect(InvariantChecks.check(plan, config) == [])
        let sw1d0 = try Self.function(plan, "sw1d0")
        #expect((sw1d0.windows?.mem?.size ?? 0) >= 2 << 20)
        let disk0 = try Self.function(plan, "disk0")
        for id in ["sw2d0", "sw2", "sw1d1", "sw1", "rp1"] {
            let window = try #require(try Self.function(plan, id).windows?.mem, "\(id)")
            #expect(disk0.bars.allSatisfy { $0.range.map(window.contains) == true }, "\(id)")
        }
    }

    /// A pcie-pci-bridge behind rp2 with a conventional bus: a virtio-net at slot 1 (transitional
    /// there: a legacy I/O BAR), and a nested pci-bridge at slot 2 holding a virtio-blk at slot 1.
    @Test func conventionalBusesBehindPCIBridges() throws {
        var config = MachineConfig(
            name: "bridges", vmm: .qemu, memory: 2 << 30, vcpus: 1, ecam: ECAMConfig(policy: .toolstack, buses: 256),
            rootPorts: [RootPort(id: "rp2")],
            devices: [Device(id: "nic0", model: "virtio-net-pci", bus: "br1"), Device(id: "disk0", model: "virtio-blk-pci", bus: "br2")])
        config.pciBridges = [PCIBridge(id: "br1", model: .pciePCIBridge, bus: "rp2"), PCIBridge(id: "br2", model: .pciBridge, bus: "br1")]
        let plan = try Planner.plan(config)
        #expect(InvariantChecks.check(plan, config) == [])
        #expect(try Self.function(plan, "br1").bdf.description == "01:00.0")
        #expect(try Self.function(plan, "nic0").bdf.description == "02:01.0")
        #expect(try Self.function(plan, "br2").bdf.description == "02:02.0")
        #expect(try Self.function(plan, "disk0").bdf.description == "03:01.0")
        #expect(try Self.function(plan, "nic0").bars.contains { $0.kind == .io })
        // disk0 INTA: br2 forwards INTB (slot 1), br1 INTD (br2 at slot 2), rp2 (slot 0x10) INTD: PIRQ E + (16 + 3) mod 4 = H.
        #expect(try Self.function(plan, "disk0").interrupt?.gsi == 23)
    }
}

/// An expander host bridge (pxb-pcie, bus_nr 128) with two root ports next to PCI0's own.
@Suite("host bridges")
struct HostBridgePlannerTests {
    static func config(policy: PlacementPolicy) -> MachineConfig {
        var config = MachineConfig(
            name: "pxb", vmm: .qemu, memory: 2 << 30, vcpus: 1, ecam: ECAMConfig(policy: policy, buses: 256),
            rootPorts: [RootPort(id: "rp1"), RootPort(id: "rp3", bus: "pxb1"), RootPort(id: "rp4", bus: "pxb1", hotplug: true)],
            devices: [Device(id: "nic0", model: "virtio-net-pci", bus: "rp1"), Device(id: "disk0", model: "nvme", bus: "rp3")])
        config.hostBridges = [HostBridge(id: "pxb1", busNumber: 128)]
        return config
    }

    /// PCI0 keeps buses 0-127 (rp1 takes bus 1); the expander's root bus is 128, rp3 at 80:00.0
    /// takes bus 129 (disk0 at 81:00.0), rp4 at 80:01.0 bus 130. The expander claims exactly its
    /// root ports' windows, PCI0 the rest of the hole: the two never overlap.
    @Test(arguments: PlacementPolicy.allCases)
    func expanderTakesItsBusesAndWindows(policy: PlacementPolicy) throws {
        let config = Self.config(policy: policy)
        let plan = try Planner.plan(config)
        #expect(InvariantChecks.check(plan, config) == [])
        let pxb = try #require(plan.functions.first { $0.id == "pxb1" })
        #expect(pxb.kind == .hostBridge && pxb.bdf.bus == 0)
        #expect(plan.functions.first { $0.id == "rp3" }?.bdf.description == "80:00.0")
        #expect(plan.functions.first { $0.id == "rp3" }?.secondaryBus == 129)
        #expect(plan.functions.first { $0.id == "disk0" }?.bdf.description == "81:00.0")
        #expect(plan.functions.first { $0.id == "rp4" }?.secondaryBus == 130)
        let hosts = plan.hostBridges
        #expect(hosts.map(\.id) == ["pci0", "pxb1"])
        #expect(hosts[0].busStart == 0 && hosts[0].busEnd == 127)
        #expect(hosts[1].busStart == 128 && hosts[1].busEnd == 130 && hosts[1].uid == 128)
        let expanderRanges = hosts[1].mmio32 + hosts[1].mmio64
        let pci0Ranges = hosts[0].mmio32 + hosts[0].mmio64
        #expect(!expanderRanges.isEmpty)
        #expect(expanderRanges.allSatisfy { range in !pci0Ranges.contains { $0.overlaps(range) } })
        // Every BAR below the expander lies in one of its ranges.
        for function in plan.functions where function.bdf.bus >= 128 {
            for range in function.bars.compactMap(\.range) {
                #expect(expanderRanges.contains { $0.contains(range) }, "\(function.id)")
            }
        }
        // disk0 INTA: rp3 (slot 0) forwards INTA, the expander (slot 0 of its bus) adds 0, and it
        // arrives at PCI0 at the expander's own slot.
        #expect(plan.functions.first { $0.id == "disk0" }?.interrupt?.rootSlot == pxb.bdf.device)
    }
}
