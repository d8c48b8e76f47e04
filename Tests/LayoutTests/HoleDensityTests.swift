import Layout
import Testing
import VMConfig
import VMCorpus

/// The toolstack policy packs the 32-bit resources densely: on every VM of the fixed corpus
/// (VMCorpus, the one `make bench` reports on), the span from the lowest start to the highest end
/// of the ECAM, the bus 0 BARs and ROMs and the bus 0 bridges' memory windows below 4 GiB is at
/// most 1.05 times their summed sizes, and the free rest of the hole lies in one piece beside the
/// block (a given ECAM may cut off one more; slack under 256 MiB below an aligned block does not count).
@Suite("hole density")
struct HoleDensityTests {
    @Test func toolstackPacksTheCorpusDensely() throws {
        var planned = 0, worst: [String] = [], spread: [String] = []
        for entry in VMCorpus.entries() {
            let config = try ConfigLoader.load(text: entry.toml, file: "\(entry.name).toml", policyOverride: .toolstack)
            let plan: Plan
            do { plan = try Planner.plan(config) } catch {
                Issue.record("\(entry.name): no toolstack layout: \(error)")
                continue
            }
            planned += 1
            guard let ratio = HoleDensity.ratio(plan) else { continue }
            if ratio > 1.05 { worst.append("\(entry.name): span / sum = \(ratio)") }
            let pieces = freePieces(plan).filter { $0.size >= (256 << 20) }
            if pieces.count > (config.ecam.base.map { $0 < 1 << 32 } == true ? 2 : 1) {
                spread.append("\(entry.name): the free hole is in \(pieces.count) pieces of 256M or more \(pieces)")
            }
        }
        #expect(planned >= 60, "only \(planned) corpus VMs planned")
        #expect(worst.isEmpty, Comment(rawValue: (worst + ["(`guestfw-bench --corpus DIR` writes the descriptions)"]).joined(separator: "\n")))
        #expect(spread.isEmpty, Comment(rawValue: spread.prefix(3).joined(separator: "\n")))
    }

    /// A window of 128 MiB + 2 MiB is laid out from its top: its end, not its start, on the 128 MiB
    /// boundary, the 128 MiB BAR in its top part and the 2 MiB BAR below. Worked by hand: with the
    /// ECAM (64 buses) at 0x80000000, the hole's start, the window must sit at 0x87E00000 or
    /// 0x88000000 and leaves most of 0x84000000-0x88000000 empty (span 256 MiB or more); with the
    /// ECAM at 0x90000000 the window ends where the ECAM starts, the small BARs go below it, and
    /// the span is the sum of the sizes.
    @Test func aWindowWithATailIsLaidFromItsTop() throws {
        let plan = try densePlan("""
            memory = "8G"
            [ecam]
            policy = "toolstack"
            buses = 64
            [[root_port]]
            id = "rp1"
            [[device]]
            id = "dev"
            bus = "rp1"
            bars = [ { bar = 0, size = "128M", kind = "mem32" }, { bar = 1, size = "2M", kind = "mem32" } ]
            """)
        #expect(plan.ecam?.base == 0x9000_0000)
        #expect(window(plan, "rp1") == AddressRange(start: 0x87E0_0000, limit: 0x9000_0000))
        let bars = try #require(plan.functions.first { $0.id == "dev" }?.bars)
        #expect(bars.first { $0.index == 0 }?.address == 0x8800_0000)
        #expect(bars.first { $0.index == 1 }?.address == 0x87E0_0000)
    }

    /// With the ECAM above 4 GiB nothing anchors the block, so the first (largest-alignment)
    /// resource is tried at each aligned place near the hole's ends. Worked by hand for a 256 MiB
    /// bus 0 BAR, a window of 256 + 1 MiB and one of 128 + 1 MiB in the hole from 0x80000000: the
    /// BAR at 0x80000000 leaves the 129 MiB window a gap of 127 MiB that the small pieces cannot
    /// fill; at 0x90000000 the 257 MiB window goes above it (0xA0000000, laid from its base) and
    /// the 129 MiB one below it, ending at 0x90000000, with the small pieces below that.
    @Test func theFirstResourceAnchorsTheBlockWhereItIsSmallest() throws {
        let plan = try densePlan("""
            memory = "2G"
            [ecam]
            policy = "toolstack"
            base = "0x1A0000000"
            buses = 64
            [[device]]
            id = "big"
            bars = [ { bar = 0, size = "256M", kind = "mem32" } ]
            [[root_port]]
            id = "rp1"
            [[device]]
            id = "d1"
            bus = "rp1"
            bars = [ { bar = 0, size = "256M", kind = "mem32" }, { bar = 1, size = "1M", kind = "mem32" } ]
            [[root_port]]
            id = "rp2"
            [[device]]
            id = "d2"
            bus = "rp2"
            bars = [ { bar = 0, size = "128M", kind = "mem32" }, { bar = 1, size = "1M", kind = "mem32" } ]
            """)
        #expect(plan.functions.first { $0.id == "big" }?.bars.first?.address == 0x9000_0000)
        #expect(window(plan, "rp1") == AddressRange(start: 0xA000_0000, size: 257 << 20))
        #expect(window(plan, "rp2") == AddressRange(start: 0x87F0_0000, limit: 0x9000_0000))
    }

    /// A first resource whose only place reaches neither end of the hole still anchors the block.
    /// Worked by hand: 1280 MiB of RAM puts QEMU's hole at [0x50000000, 0xFEC00000); the 1 GiB BAR
    /// fits only at 0x80000000 (768 MiB above the hole's start, 1004 MiB below its end), and the
    /// rest goes beside it on the side with less free space, below: the e1000e's 1 MiB window
    /// ends at 0x80000000 (not the first-fit layout with it 768 MiB away at 0x50000000).
    @Test func anAnchorFarFromBothEndsStillAnchors() throws {
        let plan = try densePlan("""
            memory = "1280M"
            [ecam]
            policy = "toolstack"
            base = "0x800000000"
            [[device]]
            id = "big"
            bars = [ { bar = 0, size = "1G", kind = "mem32" } ]
            [[root_port]]
            id = "rp1"
            [[device]]
            id = "nic"
            model = "e1000e"
            bus = "rp1"
            """)
        #expect(plan.memory.hole == AddressRange(start: 0x5000_0000, limit: 0xFEC0_0000))
        #expect(plan.functions.first { $0.id == "big" }?.bars.first?.address == 0x8000_0000)
        #expect(window(plan, "rp1") == AddressRange(start: 0x7FF0_0000, limit: 0x8000_0000))
    }

    /// The 256 MiB BAR of a given 1 GiB Xen hole goes first and the 64-bus ECAM after it, not the
    /// ECAM first with the BAR on the next 256 MiB boundary (span 512 MiB for 320 MiB of content).
    @Test func largeBARBeforeSmallECAM() throws {
        let config = try ConfigLoader.load(text: """
            vmm = "xen"
            memory = "2G"
            [ecam]
            policy = "toolstack"
            buses = 64
            [mmio]
            hole = "1G"
            [xen]
            platform_pci = false
            vga = "none"
            [[device]]
            id = "big"
            bars = [ { bar = 0, size = "256M", kind = "mem32" } ]
            """, file: "t.toml")
        let plan = try Planner.plan(config)
        let bar = try #require(plan.functions.first { $0.id == "big" }?.bars.first?.address)
        // Worked by hand: the hole is [0xC0000000, 0xFC000000); the BAR at its bottom, the ECAM
        // (64 MiB, 256 MiB-aligned) right after it at 0xD0000000.
        #expect(bar == 0xC000_0000)
        #expect(plan.ecam?.base == 0xD000_0000)
    }

    /// A given ECAM at 0xE0000000 above 2 GiB of low RAM: the resources go beside it, into the
    /// smaller side (0xF0000000-0xFEBFFFFF), not 1.5 GiB away at the bottom of the hole.
    @Test func resourcesBesideAGivenECAM() throws {
        let plan = try densePlan("""
            memory = "2G"
            [ecam]
            policy = "toolstack"
            base = "0xE0000000"
            [[root_port]]
            id = "rp1"
            [[device]]
            id = "nic"
            model = "e1000e"
            bus = "rp1"
            """)
        let rp1 = try #require(window(plan, "rp1"))
        #expect(rp1.start >= 0xF000_0000)
    }

    /// A description planned, held to every invariant and to a density of at most 1.05.
    func densePlan(_ text: String) throws -> Plan {
        let config = try ConfigLoader.load(text: text, file: "t.toml")
        let plan = try Planner.plan(config)
        #expect(try #require(HoleDensity.ratio(plan)) <= 1.05)
        #expect(InvariantChecks.check(plan, config).isEmpty)
        return plan
    }

    func window(_ plan: Plan, _ port: String) -> AddressRange? {
        plan.functions.first { $0.id == port }?.windows?.mem
    }

    /// The hole less the ECAM and the bus 0 resources (windows hold what is behind them).
    func freePieces(_ plan: Plan) -> [AddressRange] {
        AddressRange.subtracting(HoleDensity.ranges(plan), from: [plan.memory.hole])
    }
}
