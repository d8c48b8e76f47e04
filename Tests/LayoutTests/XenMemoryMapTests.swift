import Layout
import Testing
import VMConfig

/// The memory map of vmm = "xen" plans, worked out by hand from the Xen sources (master of
/// 2026-08) rather than read back from guestfw:
/// - libxl_dom.c, libxl__build_hvm(): the hole is `mmio_hole` when given, else
///   HVM_BELOW_4G_MMIO_LENGTH (256 MiB); lowmem_end = min(RAM, 4 GiB - hole), the rest of the RAM
///   goes to [4 GiB, highmem_end).
/// - libxl_x86.c, domain_construct_memmap(): with a device model the low RAM entry starts at
///   GUEST_LOW_MEM_START_DEFAULT, 0x100000.
/// - hvmloader e820.c, build_e820_table() (SeaBIOS, libxl's BIOS for qemu-xen): RAM [0, 0xA0000)
///   (lowmem_reserved_base 0 means 0xA0000); reserved [bios_image_base, 0x100000), where
///   seabios.c, seabios_load() puts a 128 KiB SeaBIOS at 0x100000 - 0x20000 = 0xE0000; ACPI NVS
///   [RESERVED_MEMBASE 0xFC000000, acpi_mem_end); reserved [acpi_mem_end, 4 GiB); then libxl's
///   entries, sorted by address.
/// - hvmloader util.c, acpi_mem_alloc(): the tables from ACPI_MEMORY_DYNAMIC_START 0xFC001000;
///   acpi_mem_end is the end of the pages they take. What guestfw reserves for its tables is its
///   own sizing rule, 64 KiB + 1 KiB per PCI function rounded up to 64 KiB: 128 KiB for every VM
///   here (2 to 4 functions), so acpi_mem_end = 0xFC001000 + 0x20000 = 0xFC021000.
/// - The Q35 series v1 ("hvmloader: use libacpi to build MCFG table") adds the ECAM as reserved.
@Suite("Xen memory map")
struct XenMemoryMapTests {
    struct Entry: Equatable, CustomStringConvertible {
        var start: UInt64
        var limit: UInt64
        var type: E820Type
        var description: String { "\(type.rawValue) [\(hex(start)), \(hex(limit)))" }
    }

    static func entries(_ plan: Plan) -> [Entry] {
        plan.e820.map { Entry(start: $0.range.start, limit: $0.range.limit, type: $0.type) }
    }

    /// What every HVM guest has below 1 MiB and at the top of the 4 GiB, per the rules above.
    static let belowOneMiB = [
        Entry(start: 0, limit: 0xA_0000, type: .ram),
        Entry(start: 0xE_0000, limit: 0x10_0000, type: .reserved),
    ]
    static let top = [
        Entry(start: 0xFC00_0000, limit: 0xFC02_1000, type: .nvs),
        Entry(start: 0xFC02_1000, limit: 1 << 32, type: .reserved),
    ]

    /// Each VM has `vga = "none"`: libxl would otherwise take the VGA's video memory out of RAM.
    /// 2 GiB with `mmio_hole` 1 GiB and the toolstack's ECAM at 0xC0000000 (64 buses, 64 MiB):
    /// lowmem_end = min(2 GiB, 4 GiB - 1 GiB) = 0x80000000, no high RAM; the 32-bit hole
    /// [0xC0000000, 0xFC000000) is a gap except for the ECAM [0xC0000000, 0xC4000000).
    @Test func fixedHoleBelowTheRAMLimit() throws {
        let plan = try plan("""
            name = "xen-2g"
            vmm = "xen"
            memory = "2G"
            vcpus = 2
            [ecam]
            policy = "toolstack"
            base = "0xC0000000"
            buses = 64
            [mmio]
            hole = "1G"
            [xen]
            vga = "none"
            """)
        #expect(Self.entries(plan) == Self.belowOneMiB + [
            Entry(start: 0x10_0000, limit: 0x8000_0000, type: .ram),
            Entry(start: 0xC000_0000, limit: 0xC400_0000, type: .reserved),
        ] + Self.top)
    }

    /// 6 GiB, default hole: lowmem_end = min(6 GiB, 0xF0000000) = 0xF0000000, highmem_end =
    /// 4 GiB + (6 GiB - 0xF0000000) = 0x190000000. The ECAM is where hvmloader's sort put it (a
    /// 64 MiB entry: somewhere in [0xF0000000, 0xFC000000), checked, not hand-placed here).
    @Test func defaultHoleWithHighRAM() throws {
        let plan = try plan("""
            name = "xen-6g"
            vmm = "xen"
            memory = "6G"
            vcpus = 4
            [ecam]
            buses = 64
            [xen]
            vga = "none"
            """)
        let ecam = try #require(plan.ecam)
        #expect(ecam.base >= 0xF000_0000 && ecam.range.limit <= 0xFC00_0000)
        #expect(Self.entries(plan) == Self.belowOneMiB + [
            Entry(start: 0x10_0000, limit: 0xF000_0000, type: .ram),
            Entry(start: ecam.base, limit: ecam.range.limit, type: .reserved),
        ] + Self.top + [
            Entry(start: 1 << 32, limit: 0x1_9000_0000, type: .ram),
        ])
    }

    /// 3840 MiB, hvmloader with relocation, 256 buses: libxl gives lowmem_end = 0xF0000000 and no
    /// high RAM; the 256 MiB ECAM does not fit [0xF0000000, 0xFC000000), so pci_setup() lowers
    /// the hole to 0xE0000000 and moves RAM [0xE0000000, 0xF0000000) to [4 GiB, 4 GiB + 256 MiB);
    /// adjust_memory_map() cuts the low entry at 0xE0000000 and adds the high one. The ECAM, aligned
    /// to its size from the hole's start, is [0xE0000000, 0xF0000000).
    @Test func relocatedRAMGoesAbove4G() throws {
        let plan = try plan("""
            name = "xen-relocate"
            vmm = "xen"
            memory = "3840M"
            vcpus = 1
            [mmio]
            relocate_ram = true
            [xen]
            vga = "none"
            """)
        #expect(plan.memory.relocatedRAM == 256 * MiB)
        #expect(Self.entries(plan) == Self.belowOneMiB + [
            Entry(start: 0x10_0000, limit: 0xE000_0000, type: .ram),
            Entry(start: 0xE000_0000, limit: 0xF000_0000, type: .reserved),
        ] + Self.top + [
            Entry(start: 1 << 32, limit: (1 << 32) + 256 * MiB, type: .ram),
        ])
    }

    /// The tables in libacpi build.c, acpi_build_tables()'s allocation order from 0xFC001000: the
    /// FACS (64-byte aligned) first, then the DSDT, the FADT, the secondary tables (MADT, HPET,
    /// WAET, then the series' MCFG), the XSDT and the RSDT, each 16-byte aligned. Slot sizes are
    /// guestfw's bounds rounded to 16: FACS 64, FADT 276 → 288, MADT for 2 vCPUs 98 → 112,
    /// HPET 56 → 64, WAET 40 → 48, MCFG 60 → 64, XSDT 100 → 112, RSDT 68 → 80, 832 bytes in all;
    /// the DSDT takes the rest of the 128 KiB: 0x20000 - 832 = 0x1FCC0 from 0xFC001040. The RSDP
    /// is at rombios/config.h's ACPI_PHYSICAL_ADDRESS 0xEA020, which ovmf.c passes to hvmloader.
    @Test func tablesInHvmloaderOrder() throws {
        let plan = try plan("vmm = \"xen\"\nmemory = \"2G\"\nvcpus = 2\n[ecam]\nbuses = 64\n")
        let slots = plan.memory.acpi.tables.map { ($0.signature, $0.address) }
        let expected: [(String, UInt64)] = [
            ("FACS", 0xFC00_1000), ("DSDT", 0xFC00_1040), ("FACP", 0xFC02_0D00), ("APIC", 0xFC02_0E20),
            ("HPET", 0xFC02_0E90), ("WAET", 0xFC02_0ED0), ("MCFG", 0xFC02_0F00), ("XSDT", 0xFC02_0F40),
            ("RSDT", 0xFC02_0FB0),
        ]
        #expect(slots.map(\.0) == expected.map(\.0))
        #expect(slots.map(\.1) == expected.map(\.1))
        #expect(plan.memory.acpi.slot("DSDT")?.capacity == 0x1_FCC0)
        #expect(plan.memory.acpi.tables.last.map { $0.range.limit } == 0xFC02_1000)
        #expect(plan.memory.acpi.rsdp.address == 0xE_A020)
        #expect(plan.memory.acpiTables == AddressRange(start: 0xFC00_0000, limit: 0xFC02_1000))
    }

    /// The E820 of every Xen plan is sorted, never overlaps, keeps RAM out of the 32-bit hole,
    /// and ends its reserved top exactly at 4 GiB; the same holds for QEMU plans.
    @Test func e820NeverOverlaps() throws {
        var planned = 0
        for seed in UInt64(0)..<300 {
            let config = RandomVM.make(seed: seed)
            guard let plan = try? Planner.plan(config) else { continue }
            planned += 1
            let entries = plan.e820
            for (a, b) in zip(entries, entries.dropFirst()) {
                #expect(a.range.limit <= b.range.start, "seed \(seed) (\(config.vmm)): \(a.range) \(a.purpose) overlaps or precedes \(b.range) \(b.purpose)")
            }
            #expect(!entries.contains { $0.type == .ram && $0.range.overlaps(plan.memory.hole) }, "seed \(seed): RAM in the hole")
            if config.vmm == .xen {
                #expect(entries.contains { $0.type == .reserved && $0.range.limit == 1 << 32 && $0.range.start == plan.memory.acpiTables.limit })
                #expect(entries.contains { $0.type == .nvs && $0.range == plan.memory.acpiTables })
                #expect(!entries.contains { $0.type == .acpi })
            }
        }
        #expect(planned > 100)
    }

    /// vmm = "qemu" keeps guestfw's own firmware map: EBDA below 0xA0000, tables as ACPI data.
    @Test func qemuKeepsItsMap() throws {
        let plan = try plan("memory = \"2G\"\n")
        #expect(plan.e820.first?.range == AddressRange(start: 0, limit: 0x9_FC00))
        #expect(plan.e820.contains { $0.type == .acpi && $0.range == plan.memory.acpiTables })
        #expect(plan.memory.acpiTables.limit == plan.memory.lowRAMEnd)
        #expect(plan.memory.acpi.rsdp.address == 0xE_0000)
    }
}
