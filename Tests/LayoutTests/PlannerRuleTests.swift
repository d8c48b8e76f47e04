import Layout
import Testing
import VMConfig

/// Plans a description written as TOML, failing the test on a decode error.
func plan(_ toml: String, policy: PlacementPolicy? = nil) throws -> Plan {
    try Planner.plan(ConfigLoader.load(text: toml, file: "test.toml", policyOverride: policy))
}

func function(_ plan: Plan, _ id: String) -> PlannedFunction? { plan.functions.first { $0.id == id } }

let GiB: UInt64 = 1 << 30, MiB: UInt64 = 1 << 20, fourGiB: UInt64 = 1 << 32

@Suite("Memory map")
struct MemoryMapTests {
    /// QEMU q35: all RAM low below 0xB0000000, otherwise 2 GiB low and the rest from 4 GiB.
    @Test(arguments: [
        ("2G", UInt64(2) << 30), ("2815M", UInt64(2815) << 20), ("2816M", UInt64(2) << 30), ("8G", UInt64(2) << 30),
    ])
    func qemuSplit(memory: String, expectedLow: UInt64) throws {
        let plan = try plan("memory = \"\(memory)\"\n")
        #expect(plan.memory.lowRAMEnd == expectedLow)
        let total = Quantity.parse(memory)!
        #expect((plan.memory.highRAM?.size ?? 0) == total - expectedLow)
        #expect(plan.memory.highRAM.map { $0.start == fourGiB } ?? true)
    }

    @Test func qemuHoleActsAsMaxRamBelow4G() throws {
        let plan = try plan("memory = \"2G\"\n[mmio]\nhole = \"3G\"\n")
        #expect(plan.memory.lowRAMEnd == GiB)
        #expect(plan.memory.highRAM?.size == GiB)
    }

    @Test func xenLowRAMEndsBelowTheDefaultHole() throws {
        let plan = try plan("vmm = \"xen\"\nmemory = \"4G\"\n[ecam]\nbuses = 64\n[xen]\nvga = \"none\"\n")
        #expect(plan.memory.lowRAMEnd == 0xF000_0000)
        #expect(plan.memory.highRAM?.size == 4 * GiB - 0xF000_0000)
    }

    @Test func e820ReservesTheECAMAndTheTables() throws {
        let plan = try plan("memory = \"2G\"\n")
        let ecam = try #require(plan.ecam)
        #expect(plan.e820.contains { $0.range == ecam.range && $0.type == .reserved })
        #expect(plan.e820.contains { $0.range == plan.memory.acpiTables && $0.type == .acpi })
        #expect(plan.e820.filter { $0.type == .ram }.allSatisfy { !$0.range.overlaps(plan.memory.acpiTables) })
    }

    /// QEMU 7.2 with 2 GiB and 32 root ports each holding a device loaded the boot tests' initrd
    /// (1263059 bytes) at [0x7fea3000-0x7ffd75d2]: its highest place ends below 0x80000000 - 0x28000.
    /// The tables of 68 functions (the 192 KiB the size rule gives them) lay under it and the
    /// firmware refused the boot; the area must stay within those top 0x28000 bytes.
    @Test func qemuTablesStayAboveQEMUsInitrd() throws {
        var toml = "memory = \"2G\"\n"
        for index in 0..<32 { toml += "[[root_port]]\nid = \"rp\(index)\"\n[[device]]\nid = \"d\(index)\"\nmodel = \"virtio-net-pci\"\nbus = \"rp\(index)\"\n" }
        let plan = try plan(toml)
        #expect(plan.functions.count > 64)
        #expect(plan.memory.acpiTables.limit == 0x8000_0000)
        #expect(plan.memory.acpiTables.start >= 0x8000_0000 - 0x28000)
        let dsdt = try #require(plan.memory.acpi.slot("DSDT"))
        #expect(dsdt.range.limit == plan.memory.acpiTables.limit && dsdt.capacity >= 64 * 1024)
    }
}

@Suite("hvmloader policy")
struct HvmloaderPolicyTests {
    /// A 512 MiB 32-bit BAR with the 256 MiB ECAM: 0xF0000000 (192 MiB usable up to 0xFC000000)
    /// is too small, 0xE0000000 (448 MiB) too, 0xC0000000 (960 MiB) holds everything.
    @Test func xenHoleDoublesUntilTheTotalFits() throws {
        let plan = try plan("""
            vmm = "xen"
            memory = "2G"
            [[device]]
            id = "big"
            bars = [{ bar = 0, size = "512M", kind = "mem32" }]
            """)
        #expect(plan.memory.hole.start == 0xC000_0000)
        #expect(plan.memory.relocatedRAM == 0)
        #expect(plan.unassigned.isEmpty)
    }

    /// 3.75 GiB of RAM: doubling to 0xE0000000 would cover RAM, which libxl forbids by default,
    /// so the hole stays at 0xF0000000 and a 256 MiB ECAM cannot fit in its 192 MiB.
    @Test func xenWithoutRelocationLeavesTheECAMUnassigned() throws {
        let plan = try plan("vmm = \"xen\"\nmemory = \"3840M\"\n[xen]\nvga = \"none\"\n")
        #expect(plan.memory.hole.start == 0xF000_0000)
        #expect(plan.ecam == nil)
        #expect(plan.unassigned.contains { $0.kind == "ecam" && $0.size == 256 * MiB })
    }

    @Test func xenWithRelocationMovesRAMAboveFourGiB() throws {
        let plan = try plan("vmm = \"xen\"\nmemory = \"3840M\"\n[mmio]\nrelocate_ram = true\n[xen]\nvga = \"none\"\n")
        #expect(plan.memory.hole.start == 0xE000_0000)
        #expect(plan.memory.relocatedRAM == 0xF000_0000 - 0xE000_0000)
        #expect(plan.memory.lowRAMEnd == 0xE000_0000)
        #expect(plan.memory.highRAM?.size == 3840 * MiB - 0xE000_0000)
        #expect(plan.ecam?.base == 0xE000_0000)
    }

    /// A 64-bit BAR larger than 1 GiB goes above 4 GiB even when the hole has room.
    @Test func largeSixtyFourBitBARsGoHigh() throws {
        let plan = try plan("""
            memory = "2G"
            [[device]]
            id = "shm"
            model = "ivshmem-plain"
            size = "2G"
            [[device]]
            id = "small"
            model = "ivshmem-plain"
            size = "64M"
            """)
        let big = try #require(function(plan, "shm")?.bars.first { $0.index == 2 }?.address)
        let small = try #require(function(plan, "small")?.bars.first { $0.index == 2 }?.address)
        #expect(big >= fourGiB)
        #expect(small < fourGiB)
    }

    @Test func ecamBaseIsIgnoredWithAWarning() throws {
        let plan = try plan("memory = \"2G\"\n[ecam]\nbase = \"0xE0000000\"\n")
        #expect(plan.ecam?.base != 0xE000_0000)
        #expect(plan.warnings.contains { $0.contains("ecam.base is ignored") })
    }
}

@Suite("toolstack policy")
struct ToolstackPolicyTests {
    /// Small 32-bit demand: the smallest 256 MiB-stepped hole holding a 256 MiB ECAM below
    /// 0xFC000000 starts at 0xE0000000.
    @Test func xenHoleIsSizedBeforeBoot() throws {
        let plan = try plan("vmm = \"xen\"\nmemory = \"3840M\"\n[ecam]\npolicy = \"toolstack\"\n")
        #expect(plan.memory.hole.start == 0xE000_0000)
        #expect(plan.ecam?.base == 0xE000_0000)
        #expect(plan.memory.relocatedRAM == 0)
        #expect(plan.memory.lowRAMEnd == 0xE000_0000)
        #expect(plan.memory.maxRAMBelow4G == 0xE000_0000)
    }

    @Test func explicitBaseIsKept() throws {
        let plan = try plan("memory = \"4G\"\n[ecam]\npolicy = \"toolstack\"\nbuses = 64\nbase = \"0xE0000000\"\n")
        #expect(plan.ecam?.base == 0xE000_0000)
        #expect(plan.ecam?.size == 64 * MiB)
        #expect(plan.ecam?.busEnd == 63)
        #expect(plan.windows.mmio32Ranges.allSatisfy { !$0.overlaps(plan.ecam!.range) })
    }

    /// Every 64-bit BAR that may live above 4 GiB goes there; a non-prefetchable 64-bit BAR behind
    /// a root port may not (the bridge forwards non-prefetchable memory below 4 GiB only).
    @Test func sixtyFourBitBARsGoHighExceptNonPrefetchableBehindABridge() throws {
        let plan = try plan("""
            memory = "2G"
            [ecam]
            policy = "toolstack"
            [[root_port]]
            id = "rp1"
            [[root_port]]
            id = "rp2"
            [[device]]
            id = "nvme0"
            model = "nvme"
            bus = "rp1"
            [[device]]
            id = "nic0"
            model = "virtio-net-pci"
            bus = "rp2"
            [[device]]
            id = "nvme1"
            model = "nvme"
            """)
        #expect(try #require(function(plan, "nvme0")?.bars.first?.address) < fourGiB)
        #expect(try #require(function(plan, "nvme1")?.bars.first?.address) >= fourGiB)
        let nicPref = try #require(function(plan, "nic0")?.bars.first { $0.prefetchable }?.address)
        #expect(nicPref >= fourGiB)
        #expect(try #require(function(plan, "rp2")?.windows?.pref?.start) >= fourGiB)
    }

    @Test func anImpossibleLayoutSaysWhatDoesNotFit() throws {
        let config = try ConfigLoader.load(text: """
            memory = "2G"
            [ecam]
            policy = "toolstack"
            [[device]]
            id = "big"
            bars = [{ bar = 0, size = "2G", kind = "mem32" }]
            """, file: "t.toml")
        #expect {
            try Planner.plan(config)
        } throws: { error in
            guard case .lowWindowTooSmall(let needed, let available, _, let misfits)? = error as? LayoutError else { return false }
            return needed > available && misfits.map(\.id) == ["big"]
        }
    }

    @Test func ecamOverRAMIsAnInputError() throws {
        let config = try ConfigLoader.load(text: "memory = \"2G\"\n[ecam]\npolicy = \"toolstack\"\nbase = \"0x40000000\"\n", file: "t.toml")
        #expect {
            try Planner.plan(config)
        } throws: { ($0 as? LayoutError)?.isInputError == true }
    }
}

@Suite("Bridges, I/O and interrupts")
struct BridgeTests {
    @Test func hotPluggablePortsGetTheDefaultReservation() throws {
        let plan = try plan("memory = \"2G\"\n[[root_port]]\nid = \"hp\"\nhotplug = true\n[[root_port]]\nid = \"cold\"\n")
        let hp = try #require(function(plan, "hp")?.windows)
        #expect(hp.io?.size == 0x1000)
        #expect(hp.mem?.size == 2 * MiB)
        #expect(hp.pref?.size == 2 * MiB)
        let cold = try #require(function(plan, "cold")?.windows)
        #expect(cold.io == nil && cold.mem == nil && cold.pref == nil)
    }

    @Test func explicitReservationsAreHonoured() throws {
        let plan = try plan("memory = \"2G\"\n[[root_port]]\nid = \"hp\"\nhotplug = true\nreserve = { bus = 4, io = \"8K\", mem = \"8M\", pref64 = \"1G\" }\n")
        let port = try #require(function(plan, "hp"))
        #expect(port.windows?.io?.size == 0x2000)
        #expect(port.windows?.mem?.size == 8 * MiB)
        #expect(port.windows?.pref?.size == GiB)
        #expect(port.subordinateBus! - port.secondaryBus! + 1 == 4)
    }

    /// 60 KiB of I/O space holds 15 windows of 4 KiB, less what bus 0's I/O BARs take: 16 idle
    /// hot-plug ports cannot all have one.
    @Test func defaultIOWindowsGiveWayWithAWarning() throws {
        let ports = (0..<16).map { "[[root_port]]\nid = \"hp\($0)\"\nhotplug = true\n" }.joined()
        let plan = try plan("memory = \"2G\"\n" + ports)
        #expect(plan.warnings.contains { $0.contains("I/O") })
        #expect(plan.functions.filter { $0.kind == .rootPort }.allSatisfy { $0.windows?.io == nil })
        #expect(plan.unassigned.isEmpty)
    }

    @Test func explicitIOReservationThatDoesNotFitIsAnError() throws {
        let ports = (0..<16).map { "[[root_port]]\nid = \"p\($0)\"\nreserve = { io = \"4K\" }\n" }.joined()
        let config = try ConfigLoader.load(text: "memory = \"2G\"\n" + ports, file: "t.toml")
        #expect {
            try Planner.plan(config)
        } throws: { error in
            guard case .ioSpaceExhausted(let needed, let available, _)? = error as? LayoutError else { return false }
            return needed > available
        }
    }

    /// Bus 0 slot S, pin P (0 = A) raises PIRQ E + (S + P) mod 4 for S ≤ 0x18; below a root port in
    /// slot S, device 0's pin P arrives as the port's pin P.
    @Test func intxFollowsQ35Routing() throws {
        let plan = try plan("""
            memory = "2G"
            [[root_port]]
            id = "rp"
            addr = "11.0"
            [[device]]
            id = "nic"
            model = "virtio-net-pci"
            bus = "rp"
            [[device]]
            id = "blk"
            model = "virtio-blk-pci"
            addr = "03.0"
            """)
        let port = try #require(function(plan, "rp")?.interrupt)
        #expect(port.pirq == 4 + (0x11 + 0) % 4)
        #expect(port.gsi == 16 + port.pirq)
        let nic = try #require(function(plan, "nic")?.interrupt)
        #expect(nic.rootSlot == 0x11 && nic.rootPin == 0 && nic.pirq == port.pirq)
        let blk = try #require(function(plan, "blk")?.interrupt)
        #expect(blk.pirq == 4 + 3 % 4)
        #expect(Q35Interrupts.pirq(slot: 0x1f, pin: 2) == 2)
        #expect(Q35Interrupts.pirq(slot: 0x1e, pin: 1) == 5)
    }

    @Test func busesAreNumberedDepthFirstInAddressOrder() throws {
        let plan = try plan("memory = \"2G\"\n[[root_port]]\nid = \"b\"\naddr = \"12.0\"\nreserve = { bus = 3 }\n[[root_port]]\nid = \"a\"\naddr = \"11.0\"\n")
        #expect(function(plan, "a")?.secondaryBus == 1 && function(plan, "a")?.subordinateBus == 1)
        #expect(function(plan, "b")?.secondaryBus == 2 && function(plan, "b")?.subordinateBus == 4)
    }
}
