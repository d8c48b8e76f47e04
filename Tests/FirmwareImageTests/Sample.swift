import FirmwareImage
import Foundation
import TestSupport
import Layout

/// Inputs shared by the tests: the plan's 256 KiB ROM and a block whose size is not a multiple
/// of 8 (the section's alignment) and whose bytes differ from their neighbours'.
enum Sample {
    static let rom = AddressRange(start: 0xFFFC_0000, size: 0x4_0000)
    static let block: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
}

/// The boot firmware built with a block, and readelf's view of the ELF before and after.
struct Built {
    let input: [UInt8]
    let images: FirmwareImages
    let before: Readelf
    let after: Readelf
    let scratch: ScratchDirectory

    init(rom: AddressRange = Sample.rom, block: [UInt8] = Sample.block) throws {
        input = try BootFirmware.bytes()
        images = try FirmwareImages.build(bootELF: input, handoff: block, rom: rom)
        scratch = try ScratchDirectory()
        before = try Readelf(file: try scratch.write("boot.elf", input))
        after = try Readelf(file: try scratch.write("firmware.elf", images.elf))
    }

    var outputPath: String { scratch.url.appendingPathComponent("firmware.elf").path }
}

/// Where a symbol's bytes are in the file, through the section whose addresses hold it.
func fileOffset(of symbol: String, in elf: Readelf) -> Int? {
    guard let value = elf.symbol(symbol)?.value,
          let section = elf.sections.first(where: { value >= $0.address && value < $0.address + $0.size && $0.type == "PROGBITS" })
    else { return nil }
    return Int(section.offset + value - section.address)
}

func littleEndian32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << ($1 * 8) }
}
