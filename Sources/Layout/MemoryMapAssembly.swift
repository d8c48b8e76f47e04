import VMConfig

extension Planner {
    static func memoryMap(_ config: MachineConfig, _ memory: MemoryAssignment, functionCount: Int) -> MemoryMap {
        let acpiSize = FirmwareAreas.acpiTablesSize(functionCount: functionCount)
        let romSize = FirmwareAreas.romSize(acpiTablesSize: acpiSize)
        let highRAMSize = config.guestRAM - memory.lowRAMEnd
        let acpiTables: AddressRange
        let acpi: ACPILayout
        switch config.vmm {
        case .qemu:
            // The top of low RAM, where guestfw's firmware copies them, never below QEMU's initrd.
            let size = min(acpiSize, FirmwareAreas.qemuACPIReserve)
            acpiTables = AddressRange(start: memory.lowRAMEnd - size, size: size)
            acpi = ACPILayout.layout(area: acpiTables, biosArea: FirmwareAreas.biosArea, vcpus: config.vcpus)
        case .xen:
            // Where hvmloader puts them: the acpi_info page at 0xFC000000, the tables from
            // 0xFC001000 (never past 0xFC100000), all of it outside guest RAM.
            let tablesSize = min(acpiSize, XenMemoryLayout.acpiTablesLimit)
            acpiTables = XenMemoryLayout.acpiRegion(tablesSize: tablesSize)
            acpi = ACPILayout.hvmloaderLayout(
                tables: AddressRange(start: XenMemoryLayout.acpiDynamicStart, size: tablesSize),
                rsdp: XenMemoryLayout.rsdp, vcpus: config.vcpus)
        }
        return MemoryMap(
            lowRAMEnd: memory.lowRAMEnd,
            highRAM: highRAMSize > 0 ? AddressRange(start: FixedRanges.fourGiB, size: highRAMSize) : nil,
            relocatedRAM: memory.relocatedRAM,
            hole: memory.hole,
            maxRAMBelow4G: memory.hole.start,
            acpiTables: acpiTables,
            // A Xen plan gets no image (QEMU's q35 cannot run its layout); the range stays for
            // the invariant checks and lies inside Xen's reserved top of the 4 GiB.
            firmwareROM: AddressRange(start: FixedRanges.fourGiB - romSize, size: romSize),
            biosArea: FirmwareAreas.biosArea,
            acpi: acpi)
    }
}
