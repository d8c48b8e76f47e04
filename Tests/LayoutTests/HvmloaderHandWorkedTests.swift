import Layout
import Testing
import VMConfig

/// Bus 0 Xen VMs planned under the hvmloader policy, each address worked out by hand in the
/// comments from hvmloader's rules (tools/firmware/hvmloader/pci.c, pci_setup(), Xen master of
/// 2026-08, and the Q35 series' MMCONFIG pseudo-BAR; REFERENCE.md):
/// - list: largest first, equal sizes in scan order (devfn, then BAR 0-5, ROM); the ECAM after
///   every entry not smaller, keeping the 64-bit flag of the entry it displaced;
/// - total: every memory BAR except 64-bit BARs over 1 GiB; the hole [0xF0000000, 0xFC000000)
///   doubles downward while the total exceeds it (never below low RAM unless RAM may move);
/// - placement: a running base per space, each BAR aligned to its size; a 64-bit BAR goes high
///   when over 1 GiB, or when relocation is on and the remaining total exceeds the remaining
///   low space; high starts at the end of high RAM;
/// - I/O: 0xC000-0xFFFF, largest first.
/// Every VM also has QEMU's ICH9 functions: AHCI at 1f.2 (BAR4 I/O 0x20, BAR5 memory 4K) and
/// SMBus at 1f.3 (BAR4 I/O 0x40), last in scan order.
@Suite("hvmloader by hand")
struct HvmloaderHandWorkedTests {
    /// A Xen VM without libxl's own devices (they are worked through in the last two cases).
    static func xen(_ body: String, memory: String = "2G", buses: Int = 256, mmio: String = "",
                    xen: String = "platform_pci = false\nvga = \"none\"") throws -> Plan {
        try plan("""
            vmm = "xen"
            memory = "\(memory)"
            [xen]
            \(xen)
            [ecam]
            policy = "hvmloader"
            buses = \(buses)
            \(mmio.isEmpty ? "" : "[mmio]\n" + mmio)
            \(body)
            """)
    }

    static func device(_ id: String, slot: Int, _ bars: String) -> String {
        "[[device]]\nid = \"\(id)\"\naddr = \"\(String(slot, radix: 16)).0\"\nbars = [\(bars)]\n"
    }

    static func address(_ plan: Plan, _ id: String, _ bar: Int) -> UInt64? {
        function(plan, id)?.bars.first { $0.index == bar }?.address
    }

    static func kinds(_ plan: Plan) -> Set<Hazard.Kind> { Set(plan.hazards.map(\.kind)) }

    /// Two 64K BARs of equal size: scan order decides (slot 2 before slot 3), not the id.
    /// List: ECAM 64M, b BAR0 64K (02.0), a BAR0 64K (03.0), AHCI 4K. Total 64M+132K fits the
    /// 192M hole: ECAM 0xF0000000, b 0xF4000000, a 0xF4010000, AHCI 0xF4020000.
    /// I/O: SMBus 0x40 at 0xC000, AHCI 0x20 at 0xC040.
    @Test func equalSizesKeepScanOrder() throws {
        let plan = try Self.xen(Self.device("a", slot: 3, "{ bar = 0, size = \"64K\", kind = \"mem32\" }")
                                + Self.device("b", slot: 2, "{ bar = 0, size = \"64K\", kind = \"mem32\" }"), buses: 64)
        #expect(plan.ecam?.base == 0xF000_0000)
        #expect(Self.address(plan, "b", 0) == 0xF400_0000)
        #expect(Self.address(plan, "a", 0) == 0xF401_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xF402_0000)
        #expect(Self.address(plan, "ich9-smbus", 4) == 0xC000)
        #expect(Self.address(plan, "ich9-ahci", 4) == 0xC040)
        #expect(plan.memory.hole.start == 0xF000_0000)
        #expect(plan.hazards.isEmpty)
    }

    /// A 64M ECAM is not "always placed first": it goes after every BAR of 64M or more.
    /// List: d 128M, ECAM 64M, AHCI 4K; total 192M+4K > 192M, so the hole doubles once to
    /// 0xE0000000 (448M; low RAM ends at 2G). d 0xE0000000, ECAM 0xE8000000 (64M-aligned, not
    /// 256M-aligned: a hazard), AHCI 0xEC000000.
    @Test func ecamAfterLargerBARsOneDoubling() throws {
        let plan = try Self.xen(Self.device("d", slot: 2, "{ bar = 0, size = \"128M\", kind = \"mem32\" }"), buses: 64)
        #expect(plan.memory.hole.start == 0xE000_0000)
        #expect(Self.address(plan, "d", 0) == 0xE000_0000)
        #expect(plan.ecam?.base == 0xE800_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xEC00_0000)
        #expect(Self.kinds(plan) == [.ecamMisaligned])
        #expect(plan.memory.relocatedRAM == 0)
    }

    /// Two doublings: 256M + 128M + ECAM 64M + 4K = 448M+4K exceeds 192M (0xF0000000) and 448M
    /// (0xE0000000), fits 960M (0xC0000000, above low RAM's 2G). d1 0xC0000000, d2 0xD0000000,
    /// ECAM 0xD8000000 (misaligned for stock QEMU), AHCI 0xDC000000.
    @Test func twoDoublings() throws {
        let plan = try Self.xen(Self.device("d1", slot: 2, "{ bar = 0, size = \"256M\", kind = \"mem32\" }")
                                + Self.device("d2", slot: 3, "{ bar = 0, size = \"128M\", kind = \"mem32\" }"), buses: 64)
        #expect(plan.memory.hole.start == 0xC000_0000)
        #expect(Self.address(plan, "d1", 0) == 0xC000_0000)
        #expect(Self.address(plan, "d2", 0) == 0xD000_0000)
        #expect(plan.ecam?.base == 0xD800_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xDC00_0000)
        #expect(Self.kinds(plan) == [.ecamMisaligned])
    }

    /// 3.5G of RAM: low RAM ends at 0xE0000000. d 256M + ECAM 256M (after d: equal size) + 4K
    /// needs 512M+4K. With relocation the hole doubles to 0xC0000000 and the 512M of RAM above it
    /// move to the end of high RAM: [4G, 4G+512M). d 0xC0000000, ECAM 0xD0000000, AHCI 0xE0000000.
    @Test func relocationOnMovesRAM() throws {
        let plan = try Self.xen(Self.device("d", slot: 2, "{ bar = 0, size = \"256M\", kind = \"mem32\" }"),
                                memory: "3584M", mmio: "relocate_ram = true")
        #expect(plan.memory.hole.start == 0xC000_0000)
        #expect(plan.memory.lowRAMEnd == 0xC000_0000)
        #expect(plan.memory.relocatedRAM == 512 * MiB)
        #expect(plan.memory.highRAM == AddressRange(start: fourGiB, size: 512 * MiB))
        #expect(Self.address(plan, "d", 0) == 0xC000_0000)
        #expect(plan.ecam?.base == 0xD000_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xE000_0000)
        #expect(Self.kinds(plan) == [.ramRelocated])
    }

    /// The same VM without relocation (libxl writes allow-memory-relocate = 0): 0xC0000000 is
    /// below low RAM's end, so the hole stops at 0xE0000000 (448M). d 0xE0000000; the ECAM would
    /// need [0xF0000000, 0x100000000), past 0xFC000000: "no space for resource", left
    /// unassigned; AHCI 0xF0000000 (the base did not move).
    @Test func relocationOffLeavesTheECAMOut() throws {
        let plan = try Self.xen(Self.device("d", slot: 2, "{ bar = 0, size = \"256M\", kind = \"mem32\" }"), memory: "3584M")
        #expect(plan.memory.hole.start == 0xE000_0000)
        #expect(plan.memory.relocatedRAM == 0)
        #expect(Self.address(plan, "d", 0) == 0xE000_0000)
        #expect(plan.ecam == nil)
        #expect(plan.unassigned.contains { $0.kind == "ecam" && $0.size == 256 * MiB })
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xF000_0000)
    }

    /// A 2G 64-bit BAR always goes high and does not count. List: g BAR1 2G, ECAM 256M (it
    /// displaced g BAR3, 64-bit, and inherits its flag), g BAR3 32M, g BAR0 16M, AHCI 4K. Total
    /// 304M+4K > 192M: hole 0xE0000000 (448M). g BAR1 high at 4G (no high RAM); the ECAM stays low
    /// (304M+4K <= 448M): 0xE0000000; BAR3 0xF0000000; BAR0 0xF2000000; AHCI 0xF3000000.
    /// 64-bit range [4G, ((0x180000000 - 1) | (4G - 1)) + 1 = 0x200000000).
    @Test func hugeSixtyFourBitBAR() throws {
        let plan = try Self.xen(Self.device("g", slot: 2, """
            { bar = 0, size = "16M", kind = "mem32" }, { bar = 1, size = "2G", kind = "mem64", prefetchable = true },
            { bar = 3, size = "32M", kind = "mem64", prefetchable = true }
            """))
        #expect(plan.memory.hole.start == 0xE000_0000)
        #expect(Self.address(plan, "g", 1) == fourGiB)
        #expect(plan.ecam?.base == 0xE000_0000)
        #expect(Self.address(plan, "g", 3) == 0xF000_0000)
        #expect(Self.address(plan, "g", 0) == 0xF200_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xF300_0000)
        #expect(plan.windows.mmio64 == AddressRange(start: fourGiB, limit: 0x2_0000_0000))
        #expect(plan.hazards.isEmpty)
    }

    /// The ECAM sent above 4G. mmio_hole 256M fixes the hole at 0xF0000000 (192M). List: a 128M
    /// (32-bit), ECAM 64M (displaced b, 64-bit: inherits), b 32M (64-bit), AHCI 4K; total
    /// 224M+4K > 192M: relocation on. a 0xF0000000 (total 96M+4K left, room 64M); the ECAM: 96M+4K
    /// > 64M and "64-bit": high, 4G; b: 32M+4K <= 64M: low 0xF8000000; AHCI 0xFA000000.
    @Test func ecamSentAbove4G() throws {
        let plan = try Self.xen(Self.device("a", slot: 2, "{ bar = 0, size = \"128M\", kind = \"mem32\" }")
                                + Self.device("b", slot: 3, "{ bar = 0, size = \"32M\", kind = \"mem64\" }"),
                                buses: 64, mmio: "hole = \"256M\"")
        #expect(plan.memory.hole.start == 0xF000_0000)
        #expect(Self.address(plan, "a", 0) == 0xF000_0000)
        #expect(plan.ecam?.base == fourGiB)
        #expect(Self.address(plan, "b", 0) == 0xF800_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xFA00_0000)
        #expect(Self.kinds(plan) == [.ecamAbove4G])
    }

    /// High RAM: 6G leaves low RAM at 0xF0000000 and 2.25G above 4G, to 0x190000000. List: d1
    /// 512M (64-bit), ECAM 64M, d2 16M, AHCI 4K; total 592M+4K > 192M and the hole cannot grow
    /// into RAM: relocation on. d1 high, from the end of high RAM aligned to 512M: 0x1A0000000
    /// (not rounded to 1G); ECAM 0xF0000000; d2 0xF4000000; AHCI 0xF5000000. 64-bit range
    /// [0x1A0000000, ((0x1C0000000 - 1) | 0x1FFFFFFF) + 1 = 0x1C0000000).
    @Test func highRangeStartsAtTheEndOfHighRAM() throws {
        let plan = try Self.xen(Self.device("d1", slot: 2, "{ bar = 0, size = \"512M\", kind = \"mem64\" }")
                                + Self.device("d2", slot: 3, "{ bar = 0, size = \"16M\", kind = \"mem32\" }"),
                                memory: "6G", buses: 64)
        #expect(plan.memory.highRAM == AddressRange(start: fourGiB, limit: 0x1_9000_0000))
        #expect(plan.memory.hole.start == 0xF000_0000)
        #expect(Self.address(plan, "d1", 0) == 0x1_A000_0000)
        #expect(plan.ecam?.base == 0xF000_0000)
        #expect(Self.address(plan, "d2", 0) == 0xF400_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xF500_0000)
        #expect(plan.windows.mmio64 == AddressRange(start: 0x1_A000_0000, limit: 0x1_C000_0000))
    }

    /// Sub-page BARs keep their size: ECAM 64M 0xF0000000, AHCI 4K 0xF4000000, d2 1K 0xF4001000,
    /// d1 128 bytes 0xF4001400, on d2's page: a shared-page hazard naming both.
    @Test func subPageBARsSharePages() throws {
        let plan = try Self.xen(Self.device("d1", slot: 2, "{ bar = 0, size = \"128\", kind = \"mem32\" }")
                                + Self.device("d2", slot: 3, "{ bar = 0, size = \"1K\", kind = \"mem32\" }"), buses: 64)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xF400_0000)
        #expect(Self.address(plan, "d2", 0) == 0xF400_1000)
        #expect(Self.address(plan, "d1", 0) == 0xF400_1400)
        #expect(plan.hazards.map(\.kind) == [.sharedPage])
        #expect(plan.hazards.first?.ids == ["d1", "d2"])
    }

    /// I/O overflow: 11 devices (slots 2-0x0c) with six 256-byte I/O BARs each. In scan order the
    /// first 64 fill 0xC000-0xFFFF exactly (device k, BAR b at 0xC000 + ((k-1)*6 + b) * 0x100);
    /// slot 0x0c's BAR4 and BAR5, SMBus (0x40) and AHCI (0x20) find no space and stay unprogrammed.
    @Test func ioOverflowIsLeftUnprogrammed() throws {
        let sixIO = (0..<6).map { "{ bar = \($0), size = \"256\", kind = \"io\" }" }.joined(separator: ", ")
        let body = (1...11).map { Self.device("io\($0)", slot: $0 + 1, sixIO) }.joined()
        let plan = try Self.xen(body, buses: 64)
        for k in 1...11 {
            for b in 0..<6 {
                let index = (k - 1) * 6 + b
                #expect(Self.address(plan, "io\(k)", b) == (index < 64 ? UInt64(0xC000 + index * 0x100) : nil), "io\(k) BAR\(b)")
            }
        }
        #expect(Self.address(plan, "ich9-smbus", 4) == nil)
        #expect(Self.address(plan, "ich9-ahci", 4) == nil)
        let hazard = try #require(plan.hazards.first { $0.kind == .ioUnprogrammed })
        #expect(hazard.ids == ["ich9-ahci", "ich9-smbus", "io11"])
    }

    /// A given hole (mmio_hole = 1G): it starts at 0xC0000000 and never doubles; low RAM is
    /// min(4G, 0xC0000000), high RAM the 1G rest. List: d1 256M, ECAM 256M (displaced d2,
    /// 64-bit: inherits, but 544M fits the 960M hole, so relocation is off), d2 32M, AHCI 4K.
    /// d1 0xC0000000, ECAM 0xD0000000, d2 0xE0000000 (stays low), AHCI 0xE2000000.
    @Test func givenHoleSize() throws {
        let plan = try Self.xen(Self.device("d1", slot: 2, "{ bar = 0, size = \"256M\", kind = \"mem32\" }")
                                + Self.device("d2", slot: 3, "{ bar = 0, size = \"32M\", kind = \"mem64\" }"),
                                memory: "4G", mmio: "hole = \"1G\"")
        #expect(plan.memory.hole.start == 0xC000_0000)
        #expect(plan.memory.lowRAMEnd == 0xC000_0000)
        #expect(plan.memory.highRAM == AddressRange(start: fourGiB, size: GiB))
        #expect(Self.address(plan, "d1", 0) == 0xC000_0000)
        #expect(plan.ecam?.base == 0xD000_0000)
        #expect(Self.address(plan, "d2", 0) == 0xE000_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xE200_0000)
        #expect(plan.windows.mmio64 == nil)
    }

    /// A 128-bus ECAM (128M) between a 256M and a 64M BAR: total 448M+4K needs two doublings to
    /// 0xC0000000. d2 0xC0000000, ECAM 0xD0000000 (256M-aligned by chance: no hazard), d1
    /// 0xD8000000, AHCI 0xDC000000.
    @Test func ecamOf128Buses() throws {
        let plan = try Self.xen(Self.device("d1", slot: 2, "{ bar = 0, size = \"64M\", kind = \"mem32\" }")
                                + Self.device("d2", slot: 3, "{ bar = 0, size = \"256M\", kind = \"mem32\" }"), buses: 128)
        #expect(plan.memory.hole.start == 0xC000_0000)
        #expect(Self.address(plan, "d2", 0) == 0xC000_0000)
        #expect(plan.ecam?.base == 0xD000_0000 && plan.ecam?.size == 128 * MiB && plan.ecam?.busEnd == 127)
        #expect(Self.address(plan, "d1", 0) == 0xD800_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xDC00_0000)
        #expect(plan.hazards.isEmpty)
    }

    /// The ROM is a memory entry of the list (index 6, after BAR0-5 at equal size) that never
    /// goes high. r: BAR0 64K, ROM 64K at slot 2. List: ECAM 64M, r BAR0, r ROM, AHCI.
    /// ECAM 0xF0000000, BAR0 0xF4000000, ROM 0xF4010000, AHCI 0xF4020000.
    @Test func romAfterBARsOfEqualSize() throws {
        let plan = try Self.xen("""
            [[device]]
            id = "r"
            addr = "2.0"
            bars = [{ bar = 0, size = "64K", kind = "mem32" }]
            rom = "64K"
            """, buses: 64)
        #expect(Self.address(plan, "r", 0) == 0xF400_0000)
        #expect(Self.address(plan, "r", 6) == 0xF401_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xF402_0000)
    }

    /// Xen's INTx: GSI = ((slot * 4 + slot / 8 + pin) & 31) + 16 (libacpi's PRTA), link
    /// (slot + pin) & 3. Slot 2 INTA: GSI 24, link C; slot 0x1f INTA (AHCI): ((124 + 3) & 31) + 16 = 47.
    @Test func xenInterruptRouting() throws {
        let plan = try Self.xen(Self.device("d", slot: 2, "{ bar = 0, size = \"4K\", kind = \"mem32\" }"))
        #expect(plan.interruptRouting == .xen)
        #expect(function(plan, "d")?.interrupt?.gsi == 24)
        #expect(function(plan, "d")?.interrupt?.pirq == 2)
        #expect(function(plan, "ich9-ahci")?.interrupt?.gsi == 47)
    }

    /// libxl's defaults: the platform device (QEMU puts it at 02.0: BAR0 I/O 256, BAR1 16M
    /// prefetchable 32-bit) and a cirrus VGA (03.0: BAR0 32M prefetchable, BAR1 4K, its 64K
    /// VGA BIOS ROM) with 8M of videoram taken out of the 2G (low RAM ends at 0x7F800000). List:
    /// ECAM 256M, cirrus BAR0 32M, platform BAR1 16M, cirrus ROM 64K, cirrus BAR1 4K, AHCI 4K;
    /// total 304M+72K > 192M: hole 0xE0000000. ECAM 0xE0000000, cirrus BAR0 0xF0000000, platform
    /// BAR1 0xF2000000, ROM 0xF3000000, cirrus BAR1 0xF3010000, AHCI 0xF3011000. I/O: platform
    /// 0xC000, SMBus 0xC100, AHCI 0xC140.
    @Test func libxlsOwnDevices() throws {
        let plan = try Self.xen("", xen: "")
        #expect(plan.memory.lowRAMEnd == 0x7F80_0000)
        #expect(plan.memory.hole.start == 0xE000_0000)
        #expect(plan.ecam?.base == 0xE000_0000)
        #expect(Self.address(plan, "vga", 0) == 0xF000_0000)
        #expect(Self.address(plan, "xen-platform", 1) == 0xF200_0000)
        #expect(Self.address(plan, "vga", 6) == 0xF300_0000)
        #expect(Self.address(plan, "vga", 1) == 0xF301_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xF301_1000)
        #expect(Self.address(plan, "xen-platform", 0) == 0xC000)
        #expect(Self.address(plan, "ich9-smbus", 4) == 0xC100)
        #expect(Self.address(plan, "ich9-ahci", 4) == 0xC140)
        #expect(function(plan, "xen-platform")?.bdf == BDF(bus: 0, device: 2, function: 0))
    }

    /// xen_platform_pci_bar_uc = 0: the platform BAR is not listed; it goes to the end of the hole,
    /// (0xFC000000 - 16M) & ~(16M - 1) = 0xFB000000, which becomes the hole's end. The rest,
    /// 288M+72K, exceeds [0xF0000000, 0xFB000000) (176M): hole 0xE0000000. ECAM 0xE0000000,
    /// cirrus BAR0 0xF0000000, ROM 0xF2000000, cirrus BAR1 0xF2010000, AHCI 0xF2011000.
    @Test func platformBARAtTheEndOfTheHole() throws {
        let plan = try Self.xen("", xen: "platform_pci_bar_uc = false")
        #expect(Self.address(plan, "xen-platform", 1) == 0xFB00_0000)
        #expect(plan.memory.hole.start == 0xE000_0000)
        #expect(plan.ecam?.base == 0xE000_0000)
        #expect(Self.address(plan, "vga", 0) == 0xF000_0000)
        #expect(Self.address(plan, "vga", 6) == 0xF200_0000)
        #expect(Self.address(plan, "vga", 1) == 0xF201_0000)
        #expect(Self.address(plan, "ich9-ahci", 5) == 0xF201_1000)
    }
}
