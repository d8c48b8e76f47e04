import Foundation
import Layout
import Testing
import VMConfig

/// `placement = "identity"`: BARs kept at their host addresses, everything else placed around
/// them. Every expected address is worked out in the comments from the rules (QEMU's q35 split,
/// the toolstack's first 256 MiB boundary for the ECAM and first-fit, hvmloader's largest-first
/// bump allocation, 1 MiB bridge windows), not copied from output. Each plan is also held to the
/// independent invariant checks, which check every identity BAR against the description.
@Suite("Identity placement")
struct IdentityPlacementTests {
    static let miB: UInt64 = 1 << 20
    static let giB: UInt64 = 1 << 30

    /// A passthrough device with explicit BARs, `identity` giving the host address of some of them.
    static func device(_ id: String, bus: String? = nil, addr: SlotAddress? = nil, _ bars: [BARSpec],
                       identity: [Int: UInt64] = [:]) -> Device {
        var device = Device(id: id, bus: bus, addr: addr, passthrough: "0000:65:00.0", bars: bars)
        device.identityAddresses = identity
        return device
    }

    static func config(_ policy: PlacementPolicy, rootPorts: [RootPort] = [], devices: [Device], memory: UInt64 = 2 << 30) -> MachineConfig {
        MachineConfig(name: "identity", vmm: .qemu, memory: memory, vcpus: 1, ecam: ECAMConfig(policy: policy, buses: 256),
                      rootPorts: rootPorts, devices: devices)
    }

    static func planned(_ config: MachineConfig) throws -> Plan {
        let plan = try Planner.plan(config)
        let violations = InvariantChecks.check(plan, config)
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
        return plan
    }

    static func address(_ plan: Plan, _ id: String, _ bar: Int) -> UInt64? {
        plan.functions.first { $0.id == id }?.bars.first { $0.index == bar }?.address
    }

    static func windows(_ plan: Plan, _ id: String) -> Layout.BridgeWindows? {
        plan.functions.first { $0.id == id }?.windows
    }

    /// On bus 0: gpu0's BAR0 (16M mem32) at the host's 0x80000000, where the hole starts, and
    /// its BAR2 (1G mem64 pref) at 0x800000000; other0 has the same kinds of BAR (16M, and 256M
    /// mem64 pref) placed by the policy.
    static var busZero: [Device] {
        [device("gpu0", [BARSpec(index: 0, kind: .mem32, size: 16 << 20), BARSpec(index: 2, kind: .mem64, size: 1 << 30, prefetchable: true)],
                identity: [0: 0x8000_0000, 2: 0x8_0000_0000]),
         device("other0", [BARSpec(index: 0, kind: .mem32, size: 16 << 20), BARSpec(index: 2, kind: .mem64, size: 256 << 20, prefetchable: true)])]
    }

    /// Toolstack, QEMU with 2G: low RAM ends at 0x80000000 and the hole is [0x80000000, 0xFEC00000).
    /// The ECAM's first 256M boundary, 0x80000000, is gpu0's page range [0x80000000, 0x81000000): it
    /// moves to the next, 0x90000000. The dense packing then grows one block from the ECAM, each
    /// resource, largest first, on the side of the block with less free room (below: the 240M of
    /// [0x81000000, 0x90000000) left by the fixed range; above: 1.5G): other0 BAR0 (16M) right
    /// below the ECAM at 0x8F000000, then the AHCI's 4K BAR5 right below it at 0x8EFFF000. Above 4G
    /// (no high RAM) the window starts at 0x100000000; other0 BAR2 takes its start. Its size: the
    /// demand packed past the fixed range's GiB-rounded end 0x840000000 needs 0x840000000 -
    /// 0x100000000 + 256M, rounded to 30G, below the 32G default: [0x100000000, 0x900000000).
    @Test func onBusZeroUnderTheToolstack() throws {
        let plan = try Self.planned(Self.config(.toolstack, devices: Self.busZero))
        #expect(Self.address(plan, "gpu0", 0) == 0x8000_0000)
        #expect(Self.address(plan, "gpu0", 2) == 0x8_0000_0000)
        #expect(plan.ecam?.base == 0x9000_0000)
        #expect(Self.address(plan, "other0", 0) == 0x8F00_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0x8EFF_F000)
        #expect(Self.address(plan, "other0", 2) == 0x1_0000_0000)
        #expect(plan.windows.mmio64 == AddressRange(start: 0x1_0000_0000, limit: 0x9_0000_0000))
        #expect(plan.functions.first { $0.id == "gpu0" }?.bars.allSatisfy(\.isFixed) == true)
        #expect(plan.functions.first { $0.id == "other0" }?.bars.contains(where: \.isFixed) == false)
    }

    /// hvmloader on QEMU: one bus 0 list largest first: other0 BAR2 (256M), the ECAM (256M, after
    /// the entries not smaller), other0 BAR0 (16M), the AHCI's BAR5 (4K). The total (528M and 4K)
    /// fits the hole, so nothing goes high. The cursor starts at 0x80000000, where gpu0's range
    /// [0x80000000, 0x81000000) is taken: BAR2 jumps to the next 256M boundary past it,
    /// 0x90000000; the ECAM follows at 0xA0000000, other0 BAR0 at 0xB0000000, the AHCI at
    /// 0xB1000000. No BAR was sent high, so the 64-bit range is just gpu0's BAR2, [0x800000000,
    /// 0x840000000), and the plan says this is a departure from hvmloader.
    @Test func onBusZeroUnderHvmloader() throws {
        let plan = try Self.planned(Self.config(.hvmloader, devices: Self.busZero))
        #expect(Self.address(plan, "gpu0", 0) == 0x8000_0000)
        #expect(Self.address(plan, "gpu0", 2) == 0x8_0000_0000)
        #expect(Self.address(plan, "other0", 2) == 0x9000_0000)
        #expect(plan.ecam?.base == 0xA000_0000)
        #expect(Self.address(plan, "other0", 0) == 0xB000_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xB100_0000)
        #expect(plan.windows.mmio64 == AddressRange(start: 0x8_0000_0000, limit: 0x8_4000_0000))
        #expect(plan.departures.contains { $0.contains("identity") })
    }

    /// Behind root port rp1 (00:10.0, bus 1): nvme0 at 01:00.0 with a 16K non-prefetchable mem64
    /// BAR0 kept at 0xFE800000 (so it lives in the memory window), nic0 at 01:00.1 with a 128K
    /// mem32 BAR0. rp1's memory window spans the fixed BAR rounded out to 1M, [0xFE800000,
    /// 0xFE900000); nic0 goes first-fit in what is left, aligned to 128K: 0xFE820000; the window
    /// stays 1M and is fixed. On bus 0 the toolstack puts the ECAM at 0x80000000 and first-fit
    /// from 0x90000000 the two 4K BARs in name order: ich9-ahci BAR5 0x90000000, rp1 BAR0 0x90001000.
    @Test(arguments: [PlacementPolicy.toolstack, .hvmloader])
    func behindARootPort(_ policy: PlacementPolicy) throws {
        let config = Self.config(policy, rootPorts: [RootPort(id: "rp1")], devices: [
            Self.device("nvme0", bus: "rp1", addr: SlotAddress(device: 0, function: 0), [BARSpec(index: 0, kind: .mem64, size: 16 << 10)],
                        identity: [0: 0xFE80_0000]),
            Self.device("nic0", bus: "rp1", addr: SlotAddress(device: 0, function: 1), [BARSpec(index: 0, kind: .mem32, size: 128 << 10)]),
        ])
        let plan = try Self.planned(config)
        #expect(Self.address(plan, "nvme0", 0) == 0xFE80_0000)
        #expect(Self.address(plan, "nic0", 0) == 0xFE82_0000)
        let windows = try #require(Self.windows(plan, "rp1"))
        #expect(windows.mem == AddressRange(start: 0xFE80_0000, limit: 0xFE90_0000))
        #expect(windows.fixed == ["mem"])
        #expect(windows.pref == nil && windows.io == nil)
        if policy == .toolstack {
            #expect(plan.ecam?.base == 0x8000_0000)
            #expect(Self.address(plan, "ich9-ahci", 5) == 0x9000_0000)
            #expect(Self.address(plan, "rp1", 0) == 0x9000_1000)
        }
    }

    /// Behind a switch: rp1 -> sw1 -> sw1d0 holding gpu0 (BAR0 16M mem32 at 0xFD000000, BAR2
    /// 256M mem64 pref at 0x400000000), sw1d1 holding other0 (BAR0 1M mem32, placed).
    /// sw1d0: memory window [0xFD000000, 0xFE000000), prefetchable [0x400000000, 0x410000000),
    /// both fixed. sw1 (its internal bus): the fixed sw1d0 window, and sw1d1's 1M window first-fit
    /// past it at 0xFE000000: memory [0xFD000000, 0xFE100000) (17M), prefetchable as sw1d0's;
    /// other0's BAR0 at sw1d1's base 0xFE000000. rp1 holds only sw1's windows: the same ranges.
    @Test(arguments: [PlacementPolicy.toolstack, .hvmloader])
    func behindASwitch(_ policy: PlacementPolicy) throws {
        var config = Self.config(policy, rootPorts: [RootPort(id: "rp1")], devices: [
            Self.device("gpu0", bus: "sw1d0", [BARSpec(index: 0, kind: .mem32, size: 16 << 20),
                                               BARSpec(index: 2, kind: .mem64, size: 256 << 20, prefetchable: true)],
                        identity: [0: 0xFD00_0000, 2: 0x4_0000_0000]),
            Self.device("other0", bus: "sw1d1", [BARSpec(index: 0, kind: .mem32, size: 1 << 20)]),
        ])
        config.switches = [Switch(id: "sw1", bus: "rp1", downstream: [DownstreamPort(id: "sw1d0"), DownstreamPort(id: "sw1d1")])]
        let plan = try Self.planned(config)
        #expect(Self.address(plan, "gpu0", 0) == 0xFD00_0000)
        #expect(Self.address(plan, "gpu0", 2) == 0x4_0000_0000)
        #expect(Self.address(plan, "other0", 0) == 0xFE00_0000)
        let pref = AddressRange(start: 0x4_0000_0000, limit: 0x4_1000_0000)
        #expect(Self.windows(plan, "sw1d0")?.mem == AddressRange(start: 0xFD00_0000, limit: 0xFE00_0000))
        #expect(Self.windows(plan, "sw1d0")?.pref == pref)
        #expect(Self.windows(plan, "sw1d1")?.mem == AddressRange(start: 0xFE00_0000, limit: 0xFE10_0000))
        for id in ["sw1", "rp1"] {
            #expect(Self.windows(plan, id)?.mem == AddressRange(start: 0xFD00_0000, limit: 0xFE10_0000), "\(id)")
            #expect(Self.windows(plan, id)?.pref == pref, "\(id)")
            #expect(Self.windows(plan, id)?.fixed == ["mem", "pref"], "\(id)")
        }
        #expect(Self.windows(plan, "sw1d1")?.fixed.isEmpty == true)
        #expect(plan.windows.mmio64?.contains(pref) == true)
    }

    /// Two identity devices, one on bus 0 (16G mem64 pref at 0x400000000, like the snapshot's
    /// ivshmem) and one behind rp1 (16K at 0xFE800000): both kept, and the toolstack's 64-bit
    /// window covers the 16G: from 0x100000000, the fixed range's end 0x800000000 less the
    /// start is 28G, under the 32G default: [0x100000000, 0x900000000).
    @Test(arguments: [PlacementPolicy.toolstack, .hvmloader])
    func twoIdentityDevices(_ policy: PlacementPolicy) throws {
        let plan = try Self.planned(Self.config(policy, rootPorts: [RootPort(id: "rp1")], devices: [
            Self.device("shm0", [BARSpec(index: 2, kind: .mem64, size: 16 << 30, prefetchable: true)], identity: [2: 0x4_0000_0000]),
            Self.device("nvme0", bus: "rp1", [BARSpec(index: 0, kind: .mem64, size: 16 << 10)], identity: [0: 0xFE80_0000]),
        ]))
        #expect(Self.address(plan, "shm0", 2) == 0x4_0000_0000)
        #expect(Self.address(plan, "nvme0", 0) == 0xFE80_0000)
        if policy == .toolstack {
            #expect(plan.windows.mmio64 == AddressRange(start: 0x1_0000_0000, limit: 0x9_0000_0000))
        } else {
            #expect(plan.windows.mmio64 == AddressRange(start: 0x4_0000_0000, limit: 0x8_0000_0000))
        }
    }

    /// Xen, 2G less the default cirrus VGA's 8M of videoram (libxl takes it out of memory): low RAM
    /// ends at 0x7F800000 under either policy, nothing relocated. An identity BAR (16M at
    /// 0xD0000000) below hvmloader's hole start 0xF0000000 makes the hole double while it starts
    /// above it: 0xE0000000, then 0xC0000000 (still above RAM): [0xC0000000, 0xFC000000). The
    /// toolstack tries hole starts from 0xF0000000 down in 256M steps and takes the first that
    /// covers it, 0xD0000000; its ECAM's first boundary 0xD0000000 is the BAR's, so it goes to
    /// 0xE0000000 and the 32-bit window is [0xD0000000, 0xE0000000) and [0xF0000000, 0xFC000000).
    @Test(arguments: [PlacementPolicy.toolstack, .hvmloader])
    func xenHoleCoversIdentity(_ policy: PlacementPolicy) throws {
        var config = Self.config(policy, devices: [Self.device("gpu0", [Self.mem16M], identity: [0: 0xD000_0000])])
        config.vmm = .xen
        let plan = try Self.planned(config)
        #expect(Self.address(plan, "gpu0", 0) == 0xD000_0000)
        #expect(plan.memory.lowRAMEnd == 0x7F80_0000 && plan.memory.relocatedRAM == 0)
        if policy == .hvmloader {
            #expect(plan.memory.hole == AddressRange(start: 0xC000_0000, limit: 0xFC00_0000))
        } else {
            #expect(plan.memory.hole == AddressRange(start: 0xD000_0000, limit: 0xFC00_0000))
            #expect(plan.ecam?.base == 0xE000_0000)
            #expect(plan.windows.mmio32Ranges == [AddressRange(start: 0xD000_0000, limit: 0xE000_0000),
                                                  AddressRange(start: 0xF000_0000, limit: 0xFC00_0000)])
        }
    }

    /// An identity I/O BAR at 0xC000: the placed I/O BARs go around it (the AHCI's 32 bytes and
    /// the SMBus's 64 jump past [0xC000, 0xC020)).
    @Test(arguments: [PlacementPolicy.toolstack, .hvmloader])
    func identityIOBAR(_ policy: PlacementPolicy) throws {
        let plan = try Self.planned(Self.config(policy, devices: [
            Self.device("nic0", [BARSpec(index: 2, kind: .io, size: 32)], identity: [2: 0xC000]),
        ]))
        #expect(Self.address(plan, "nic0", 2) == 0xC000)
        for id in ["ich9-ahci", "ich9-smbus"] { #expect((Self.address(plan, id, 4) ?? 0) >= 0xC020, "\(id)") }
    }

    // MARK: - Conflicts: exit 1 (a LayoutError), naming both with their ranges

    static func conflict(_ config: MachineConfig) -> String? {
        do {
            _ = try Planner.plan(config)
            return nil
        } catch {
            guard case .identityConflict = error else { return "not an identity conflict: \(error)" }
            #expect(!error.isInputError)
            return error.description
        }
    }

    static func single(_ bar: BARSpec, at address: UInt64, policy: PlacementPolicy = .toolstack, memory: UInt64 = 2 << 30,
                       physBits: Int = 40, ecamBase: UInt64? = nil) -> MachineConfig {
        var config = Self.config(policy, devices: [Self.device("gpu0", [bar], identity: [bar.index: address])], memory: memory)
        config.physBits = physBits
        config.ecam.base = ecamBase
        return config
    }

    static let mem16M = BARSpec(index: 0, kind: .mem32, size: 16 << 20)

    struct Conflict: Sendable, CustomTestStringConvertible {
        var name: String
        var config: MachineConfig
        var words: [String]
        var testDescription: String { name }
    }

    static let conflicts: [Conflict] = [
        // 2G of RAM on QEMU: all of it low, [0x0, 0x80000000).
        Conflict(name: "RAM", config: single(mem16M, at: 0x7000_0000),
                 words: ["gpu0 BAR 0 mem32 [0x70000000-0x70ffffff]", "overlaps low RAM [0x0-0x7fffffff]"]),
        // 16G on QEMU: 2G low, 14G high from 4G: [0x100000000, 0x480000000).
        Conflict(name: "high RAM", config: single(BARSpec(index: 2, kind: .mem64, size: 16 << 30, prefetchable: true), at: 0x4_0000_0000, memory: 16 << 30),
                 words: ["gpu0 BAR 2 mem64 [0x400000000-0x7ffffffff]", "overlaps high RAM [0x100000000-0x47fffffff]"]),
        Conflict(name: "the ECAM at a given base", config: single(mem16M, at: 0xE000_0000, ecamBase: 0xE000_0000),
                 words: ["gpu0 BAR 0 mem32 [0xe0000000-0xe0ffffff]", "overlaps the ECAM [0xe0000000-0xefffffff]"]),
        Conflict(name: "the IOAPIC", config: single(BARSpec(index: 0, kind: .mem32, size: 4 << 10), at: 0xFEC0_0000),
                 words: ["gpu0 BAR 0 mem32 [0xfec00000-0xfec00fff]", "overlaps the IOAPIC [0xfec00000-0xfec00fff]"]),
        Conflict(name: "the HPET", config: single(BARSpec(index: 0, kind: .mem32, size: 4 << 10), at: 0xFED0_0000, policy: .hvmloader),
                 words: ["overlaps the HPET [0xfed00000-0xfed003ff]"]),
        Conflict(name: "the LAPIC", config: single(mem16M, at: 0xFE00_0000),
                 words: ["gpu0 BAR 0 mem32 [0xfe000000-0xfeffffff]", "overlaps the IOAPIC"]),
        Conflict(name: "the firmware ROM", config: single(BARSpec(index: 0, kind: .mem32, size: 64 << 10), at: 0xFFFF_0000),
                 words: ["[0xffff0000-0xffffffff]", "overlaps the firmware ROM [0xfff"]),
        // phys_bits 36: the address space ends at 0xfffffffff.
        Conflict(name: "above phys_bits", config: single(BARSpec(index: 2, kind: .mem64, size: 1 << 30, prefetchable: true), at: 0x10_0000_0000, physBits: 36),
                 words: ["gpu0 BAR 2 mem64", "[0x1000000000-0x103fffffff]", "outside the guest's address space [0x0-0xfffffffff]"]),
        Conflict(name: "legacy I/O", config: single(BARSpec(index: 1, kind: .io, size: 32), at: 0x600),
                 words: ["gpu0 BAR 1 io [0x600-0x61f]", "overlaps the legacy and chipset I/O ports [0x0-0xfff]"]),
        Conflict(name: "another identity BAR", config: Self.config(.toolstack, devices: [
            Self.device("gpu0", [mem16M], identity: [0: 0xE000_0000]),
            Self.device("gpu1", [BARSpec(index: 1, kind: .mem32, size: 1 << 20)], identity: [1: 0xE080_0000]),
        ]), words: ["gpu0 BAR 0 mem32 [0xe0000000-0xe0ffffff]", "overlaps gpu1 BAR 1 mem32 [0xe0800000-0xe08fffff]"]),
        // Behind two root ports, BARs in one MiB: the ports' 1M windows collide.
        Conflict(name: "two fixed windows", config: Self.config(.toolstack, rootPorts: [RootPort(id: "rp1"), RootPort(id: "rp2")], devices: [
            Self.device("a", bus: "rp1", [BARSpec(index: 0, kind: .mem32, size: 4 << 10)], identity: [0: 0xE000_0000]),
            Self.device("b", bus: "rp2", [BARSpec(index: 0, kind: .mem32, size: 4 << 10)], identity: [0: 0xE000_1000]),
        ]), words: ["rp1 mem-window (holding identity BARs) [0xe0000000-0xe00fffff]", "overlaps rp2 mem-window (holding identity BARs) [0xe0000000-0xe00fffff]"]),
        // A non-prefetchable 64-bit BAR above 4G behind a port: the memory window is 32-bit.
        Conflict(name: "a 32-bit window above 4G", config: Self.config(.toolstack, rootPorts: [RootPort(id: "rp1")], devices: [
            Self.device("a", bus: "rp1", [BARSpec(index: 0, kind: .mem64, size: 1 << 20)], identity: [0: 0x2_0000_0000]),
        ]), words: ["rp1 mem-window [0x200000000-0x2000fffff]", "must lie below 4G", "a BAR 0 mem64"]),
        // QEMU's 32-bit hole ends at 0xFEC00000; 0xFED80000 is in no named range but outside the hole.
        Conflict(name: "outside the hole", config: single(BARSpec(index: 0, kind: .mem32, size: 4 << 10), at: 0xFED8_0000),
                 words: ["gpu0 BAR 0 mem32 [0xfed80000-0xfed80fff]", "lies outside what the host bridge decodes", "the 32-bit window"]),
    ]

    @Test(arguments: conflicts)
    func conflictIsNamed(_ conflict: Conflict) throws {
        let message = try #require(Self.conflict(conflict.config), "planned without a conflict")
        for word in conflict.words { #expect(message.contains(word), "\(word) not in: \(message)") }
        #expect(message.hasPrefix("placement = \"identity\": "))
    }

    // MARK: - The captured snapshot

    static let capture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("VMConfigTests/Fixtures/sysfs/q35").path

    /// The snapshot captured from a Linux guest: nvme 0000:01:00.0 (BAR0 16K mem64 at
    /// 0xfe800000) behind rp1 and ivshmem 0000:04:00.0 (BAR0 256 bytes at 0xfe200000, BAR2 16G
    /// mem64 pref at 0x400000000) on bus 0, both identity; the VGA + audio slot 0000:03:00 with
    /// its shadowed ROM (given by rom, so left to the planner) behind rp2, virtual. Under both
    /// policies every identity BAR is at its host address and the invariants hold.
    @Test(arguments: [PlacementPolicy.toolstack, .hvmloader])
    func snapshotDevices(_ policy: PlacementPolicy) throws {
        let text = """
            name = "identity-snapshot"
            memory = "2G"
            [ecam]
            policy = "\(policy.rawValue)"
            [[root_port]]
            id = "rp1"
            [[root_port]]
            id = "rp2"
            [[device]]
            id = "nvme0"
            bus = "rp1"
            host = "0000:01:00.0"
            sysfs = "\(Self.capture)"
            placement = "identity"
            [[device]]
            id = "shm0"
            host = "0000:04:00.0"
            sysfs = "\(Self.capture)"
            placement = "identity"
            [[device]]
            id = "vga0"
            bus = "rp2"
            host = "0000:03:00.0"
            sysfs = "\(Self.capture)"
            rom = "64K"
            """
        let config = try ConfigLoader.load(text: text, file: "vm.toml")
        #expect(config.devices.first { $0.id == "shm0" }?.identityAddresses == [0: 0xFE20_0000, 2: 0x4_0000_0000])
        let plan = try Self.planned(config)
        #expect(Self.address(plan, "nvme0", 0) == 0xFE80_0000)
        #expect(Self.address(plan, "shm0", 0) == 0xFE20_0000)
        #expect(Self.address(plan, "shm0", 2) == 0x4_0000_0000)
        #expect(Self.windows(plan, "rp1")?.mem == AddressRange(start: 0xFE80_0000, limit: 0xFE90_0000))
        #expect(plan.functions.filter { $0.id.hasPrefix("vga0") }.flatMap(\.bars).allSatisfy { !$0.isFixed && $0.address != nil })
    }
}
