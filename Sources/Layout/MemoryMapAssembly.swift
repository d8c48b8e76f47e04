import VMConfig

extension Planner {
    static func memoryMap(_ config: MachineConfig, _ memory: MemoryAssignment, functionCount: Int) -> MemoryMap {
        let acpiSize = FirmwareAreas.acpiTablesSize(functionCount: functionCount)
        let romSize = FirmwareAreas.romSize(acpiTablesSize: acpiSize)
        let highRAMSize = config.memory - memory.lowRAMEnd
        let acpiTables = AddressRange(start: memory.lowRAMEnd - acpiSize, size: acpiSize)
        return MemoryMap(
            lowRAMEnd: memory.lowRAMEnd,
            highRAM: highRAMSize > 0 ? AddressRange(start: FixedRanges.fourGiB, size: highRAMSize) : nil,
            relocatedRAM: memory.relocatedRAM,
            hole: memory.hole,
            maxRAMBelow4G: memory.hole.start,
            acpiTables: acpiTables,
            firmwareROM: AddressRange(start: FixedRanges.fourGiB - romSize, size: romSize),
            biosArea: FirmwareAreas.biosArea,
            acpi: ACPILayout.layout(area: acpiTables, biosArea: FirmwareAreas.biosArea, vcpus: config.vcpus))
    }
}
