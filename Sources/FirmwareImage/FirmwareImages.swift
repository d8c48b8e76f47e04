import Layout

/// Both outputs for one VM: `out/firmware.elf` (for gdb and inspection) and `out/firmware.bin`
/// (for `-bios`), the boot firmware with the VM's hand-off block at the start of its ROM.
public struct FirmwareImages: Sendable, Equatable {
    public var elf: [UInt8]
    public var flat: [UInt8]
    /// Where the block is, as the locator in both images says.
    public var handoffAddress: UInt64

    /// `rom` is the plan's firmware ROM (`Plan.memory.firmwareROM`): it must end at 4 GiB, and
    /// the block must fit between its start and the lowest address the boot code is loaded at.
    public static func build(bootELF: [UInt8], handoff: [UInt8], rom: AddressRange) throws -> FirmwareImages {
        let address = FileSpace.alignUp(rom.start, UInt64(HandoffFormat.alignment))
        let bootCodeStart = try bootCodeStart(bootELF, rom: rom)
        guard UInt64(handoff.count) <= bootCodeStart - min(address, bootCodeStart) else {
            throw FirmwareImageError.romTooSmall(rom: rom, bootCodeStart: bootCodeStart, blockSize: UInt64(handoff.count))
        }
        let elf = try FirmwareELF.addingHandoff(handoff, at: address, to: bootELF)
        let flat = try FlatImage.make(elf: elf, romStart: rom.start)
        return FirmwareImages(elf: elf, flat: flat, handoffAddress: address)
    }

    /// The lowest ROM address the boot code is loaded at, once the boot code alone is known to
    /// make a valid image for this ROM (so every segment is inside it and the reset vector is there).
    private static func bootCodeStart(_ bootELF: [UInt8], rom: AddressRange) throws -> UInt64 {
        try FlatImage.checkROM(start: rom.start, size: rom.size)
        let segments = try FlatImage.segments(ofELF: bootELF)
        _ = try FlatImage.make(segments: segments, romStart: rom.start)
        return segments.filter { !$0.bytes.isEmpty }.map(\.loadAddress).min() ?? rom.limit
    }
}
