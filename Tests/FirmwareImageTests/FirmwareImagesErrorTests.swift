import FirmwareImage
import Foundation
import TestSupport
import Layout
import Testing

@Suite("Firmware image errors")
struct FirmwareImagesErrorTests {
    @Test func a64BitELFIsRefused() throws {
        // The test runner itself: a 64-bit ELF on the x86_64 hosts these tests run on.
        let runner = try #require(FileManager.default.contents(atPath: "/proc/self/exe"))
        #expect(throws: FirmwareImageError.notELF32(detail: "it is a 64-bit ELF file")) {
            try FirmwareImages.build(bootELF: [UInt8](runner), handoff: Sample.block, rom: Sample.rom)
        }
    }

    @Test func bytesThatAreNoELFAreRefused() {
        #expect(throws: FirmwareImageError.notELF32(detail: "no ELF header")) {
            try FirmwareImages.build(bootELF: Array("not an ELF file".utf8), handoff: Sample.block, rom: Sample.rom)
        }
    }

    @Test func aFirmwareWithoutTheLocatorIsRefused() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("boot.elf", try BootFirmware.bytes())
        try ProcessRunner.runChecked("objcopy", ["--strip-symbol=guestfw_handoff_locator", path, "stripped.elf"], in: scratch.url)
        let stripped = try scratch.read("stripped.elf")
        #expect(try Readelf(file: scratch.write("stripped.elf", stripped)).symbol("guestfw_handoff_locator") == nil)
        #expect(throws: FirmwareImageError.missingLocator) {
            try FirmwareImages.build(bootELF: stripped, handoff: Sample.block, rom: Sample.rom)
        }
    }

    @Test func aBlockOverlappingTheBootCodeIsRefused() throws {
        let built = try Built()
        let text = try #require(built.before.loads.first)
        let address = text.virtualAddress + 8
        #expect {
            try FirmwareELF.addingHandoff(Sample.block, at: address, to: built.input)
        } throws: { error in
            guard case .blockOverlapsSegment(let block, let segment) = error as? FirmwareImageError else { return false }
            return block == AddressRange(start: address, size: UInt64(Sample.block.count)) && segment.contains(".text")
        }
    }

    @Test func aBlockEndingAbove4GiBIsRefused() throws {
        let address = FlatImage.top - 8
        #expect(throws: FirmwareImageError.blockBeyond4GiB(address: address, length: UInt64(Sample.block.count))) {
            try FirmwareELF.addingHandoff(Sample.block, at: address, to: try BootFirmware.bytes())
        }
    }

    @Test func anEmptyBlockIsRefused() throws {
        #expect(throws: FirmwareImageError.emptyBlock) {
            try FirmwareImages.build(bootELF: try BootFirmware.bytes(), handoff: [], rom: Sample.rom)
        }
    }

    @Test func aROMNotEndingAt4GiBIsRefused() throws {
        let rom = AddressRange(start: Sample.rom.start, size: Sample.rom.size - FlatImage.bank)
        #expect(throws: FirmwareImageError.invalidROM(start: rom.start, size: rom.size)) {
            try FirmwareImages.build(bootELF: try BootFirmware.bytes(), handoff: Sample.block, rom: rom)
        }
    }

    /// One bank below the boot code's lowest load address: exactly that many bytes fit, one more does not.
    @Test func aBlockTooLargeForTheROMSaysWhatTheROMHasAndWhatIsNeeded() throws {
        let input = try BootFirmware.bytes()
        let scratch = try ScratchDirectory()
        let boot = try Readelf(file: scratch.write("boot.elf", input))
        let bootStart = try #require(boot.loads.filter { $0.fileSize > 0 }.map(\.physicalAddress).min())
        let romStart = bootStart / FlatImage.bank * FlatImage.bank - FlatImage.bank
        let rom = AddressRange(start: romStart, limit: FlatImage.top)
        let room = Int(bootStart - romStart)

        let fitting = try FirmwareImages.build(bootELF: input, handoff: [UInt8](repeating: 0xA5, count: room), rom: rom)
        #expect(fitting.flat.count == Int(rom.size))

        let needed = room + 1
        #expect {
            try FirmwareImages.build(bootELF: input, handoff: [UInt8](repeating: 0xA5, count: needed), rom: rom)
        } throws: { error in
            let bootCode = FlatImage.top - bootStart
            let text = "\(error)"
            return error as? FirmwareImageError == .romTooSmall(rom: rom, bootCodeStart: bootStart, blockSize: UInt64(needed))
                && text.contains("has \(rom.size) bytes") && text.contains("needs \(needed)")
                && text.contains("\(UInt64(needed) + bootCode) bytes are needed")
        }
    }
}
