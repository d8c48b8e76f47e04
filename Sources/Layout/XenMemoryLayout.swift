import VMConfig

/// The fixed addresses of the memory map libxl and hvmloader give an HVM guest (Xen master of
/// 2026-08). Each constant names the file and symbol it comes from; the E820 and the ACPI layout
/// of a `vmm = "xen"` plan are built from these and nothing else.
enum XenMemoryLayout {
    /// hvmloader e820.c, build_e820_table(): RAM from 0 to `lowmem_reserved_base`, which SeaBIOS
    /// and OVMF pass as 0, meaning 0xA0000 (only ROMBIOS, which qemu-xen refuses, passes 0x9E000).
    static let lowmemReservedBase: UInt64 = 0xA_0000

    /// The BIOS image SeaBIOS leaves below 1 MiB: seabios.c, seabios_load() copies the image to
    /// `0x100000 - bios_length` and seabios_setup_e820() reserves from there to 1 MiB. Xen builds
    /// SeaBIOS with CONFIG_ROM_SIZE=0 (tools/firmware/seabios-config), i.e. the smallest size,
    /// 128 KiB; libxl picks SeaBIOS for qemu-xen (libxl_create.c, libxl__domain_build_info_setdefault).
    /// OVMF would reserve only 0xF0000-0xFFFFF (ovmf.c, LOWCHUNK_BEGIN).
    static let seabiosImageSize: UInt64 = 128 * Units.kiB
    static let biosRegion = AddressRange(start: FixedRanges.legacyEnd - seabiosImageSize, limit: FixedRanges.legacyEnd)

    /// libxl_x86.c, domain_construct_memmap(): with a device model the low RAM entry starts at
    /// GUEST_LOW_MEM_START_DEFAULT (1 MiB); hvmloader adds what lies below itself.
    static let lowRAMStart: UInt64 = 0x10_0000

    /// hvmloader config.h: RESERVED_MEMBASE = ACPI_INFO_PHYSICAL_ADDRESS = 0xFC000000, the
    /// acpi_info page hvmloader's DSDT reads; the tables are allocated upward from
    /// ACPI_MEMORY_DYNAMIC_START (util.c, acpi_mem_alloc) and must end below
    /// RESERVED_MEMORY_DYNAMIC_START (its BUG_ON).
    static let acpiInfo: UInt64 = 0xFC00_0000
    static let acpiDynamicStart: UInt64 = 0xFC00_1000
    static let reservedDynamicStart: UInt64 = 0xFC10_0000

    /// Where hvmloader writes the RSDP: rombios/config.h ACPI_PHYSICAL_ADDRESS, passed by
    /// ovmf_acpi_build_tables() (and rombios). With SeaBIOS hvmloader builds it in scratch memory
    /// and SeaBIOS copies it into its own F-segment at boot, so no address is fixed before boot;
    /// the plan uses this one, which lies in the BIOS area an OS scans.
    static let rsdp: UInt64 = 0xE_A020

    /// The pages libxc puts just below 0xFF000000 (xg_dom_x86.c, alloc_magic_pages_hvm): the 8
    /// special pages (xenstore, console, ioreq, buffered ioreq, paging, access, sharing, identity
    /// page table; xenguest.h X86_HVM_END_SPECIAL_REGION 0xff000 less X86_HVM_NR_SPECIAL_PAGES 8,
    /// so 0xFEFF8000-0xFEFFFFFF) and below them the 8 ioreq-server pages (NR_IOREQ_SERVER_PAGES,
    /// 0xFEFF0000-0xFEFF7FFF; build_hvm_info() makes 0xFEFF0 hvm_info's reserved_mem_pgstart).
    /// An HVM guest sees them inside hvmloader's one reserved entry up to 4 GiB (only PVH gets an
    /// entry of their own, libxl_x86.c).
    static let specialPages = AddressRange(start: 0xFEFF_8000, limit: 0xFF00_0000)
    static let ioreqServerPages = AddressRange(start: 0xFEFF_0000, limit: 0xFEFF_8000)

    /// The ACPI NVS region hvmloader's e820 gives: [0xFC000000, acpi_mem_end), the info page and
    /// every page the tables populated.
    static func acpiRegion(tablesSize: UInt64) -> AddressRange {
        AddressRange(start: acpiInfo, limit: acpiDynamicStart + alignUp(tablesSize, Units.page))
    }

    /// The most the tables may take: from ACPI_MEMORY_DYNAMIC_START to RESERVED_MEMORY_DYNAMIC_START.
    static let acpiTablesLimit: UInt64 = reservedDynamicStart - acpiDynamicStart
}
