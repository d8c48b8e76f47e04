import Layout

/// Why no firmware image can be made, with the addresses and sizes that prove it.
public enum FirmwareImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The boot firmware is not an ELF file of class ELFCLASS32.
    case notELF32(detail: String)
    /// libelf refused an operation; `message` is libelf's own.
    case libelf(operation: String, message: String)
    /// The boot firmware has no `guestfw_handoff_locator` symbol to point at the block.
    case missingLocator
    /// The locator symbol exists but is not 8 file-backed bytes.
    case malformedLocator(problem: String)
    /// The temporary file libelf writes into could not be made or read back.
    case scratchFile(problem: String)
    /// A valid ELF this writer does not handle (extended section or program header numbering).
    case unsupportedELF(problem: String)
    /// The ELF contradicts itself (a segment or section beyond the end of the file, ...).
    case malformedELF(problem: String)
    /// A block of zero bytes: the firmware reads a zero length as "no block at all".
    case emptyBlock
    /// The block's addresses would collide with the boot code's.
    case blockOverlapsSegment(block: AddressRange, segment: String)
    /// A HandoffLocator holds 32-bit addresses, so the block must end at or below 4 GiB.
    case blockBeyond4GiB(address: UInt64, length: UInt64)
    /// The ELF header or program header table is part of a loaded segment, so adding a program
    /// header would change what that segment loads.
    case loadedHeaders(segment: String)
    /// A ROM for `-bios` ends at 4 GiB and is a whole number of 64 KiB banks.
    case invalidROM(start: UInt64, size: UInt64)
    /// A segment's load address lies outside the ROM, so the flat image cannot hold it.
    case segmentOutsideROM(segment: String, loadAddress: UInt64, size: UInt64, romStart: UInt64)
    /// Two segments would be stored at the same ROM bytes.
    case segmentsOverlap(String, String)
    /// Nothing is stored at 0xFFFFFFF0, where the CPU starts.
    case noResetVector
    /// The block and the boot code together need more than the ROM has.
    case romTooSmall(rom: AddressRange, bootCodeStart: UInt64, blockSize: UInt64)

    public var description: String {
        switch self {
        case .notELF32(let detail):
            return "the boot firmware is not a 32-bit ELF file: \(detail)"
        case .libelf(let operation, let message):
            return "libelf: \(operation) failed: \(message)"
        case .missingLocator:
            return "the boot firmware has no symbol \(HandoffFormat.locatorSymbol), so it could not find a hand-off block (is it guestfw's firmware? run make firmware)"
        case .malformedLocator(let problem):
            return "the boot firmware's \(HandoffFormat.locatorSymbol) \(problem)"
        case .scratchFile(let problem):
            return "could not write the firmware ELF to a temporary file: \(problem)"
        case .unsupportedELF(let problem):
            return "the boot firmware ELF \(problem), which guestfw does not support"
        case .malformedELF(let problem):
            return "the boot firmware ELF is malformed: \(problem)"
        case .emptyBlock:
            return "the hand-off block is empty"
        case .blockOverlapsSegment(let block, let segment):
            return "the hand-off block at \(block) overlaps the boot firmware's \(segment)"
        case .blockBeyond4GiB(let address, let length):
            return "the hand-off block at \(hex(address)) (\(length) bytes) ends above 4 GiB, out of reach of the 32-bit locator"
        case .loadedHeaders(let segment):
            return "the boot firmware's \(segment) loads its own ELF headers, which adding the hand-off segment would change"
        case .invalidROM(let start, let size):
            return "a firmware ROM must end at 4 GiB and be a multiple of 64 KiB, not \(size) bytes at \(hex(start))"
        case .segmentOutsideROM(let segment, let loadAddress, let size, let romStart):
            return "\(segment) is loaded at \(hex(loadAddress)) (\(size) bytes), outside the ROM [\(hex(romStart))-0xffffffff]"
        case .segmentsOverlap(let first, let second):
            return "\(first) and \(second) are loaded at overlapping addresses"
        case .noResetVector:
            return "nothing is loaded at the reset vector (the last 16 bytes below 4 GiB)"
        case .romTooSmall(let rom, let bootCodeStart, let blockSize):
            let bootCode = rom.limit - bootCodeStart
            let free = bootCodeStart - rom.start
            return "the firmware ROM \(rom) has \(rom.size) bytes: the boot code takes \(bootCode) from \(hex(bootCodeStart)), leaving \(free) for the hand-off block, which needs \(blockSize); \(bootCode + blockSize) bytes are needed in all"
        }
    }
}
