import FirmwareImage
import Foundation
import TestSupport
import Layout
import Testing

@Suite("Firmware ELF with the hand-off block")
struct FirmwareELFTests {
    @Test func aLoadSegmentOfItsOwnHoldsTheBlock() throws {
        let built = try Built()
        let expected = try #require(built.after.loads.first { $0.virtualAddress == built.images.handoffAddress })
        #expect(expected.physicalAddress == built.images.handoffAddress)
        #expect(expected.fileSize == UInt64(Sample.block.count))
        #expect(expected.memorySize == UInt64(Sample.block.count))
        #expect(expected.flags == "R")
        #expect(built.images.handoffAddress == Sample.rom.start)
    }

    @Test func theOriginalProgramHeadersAreUnchangedAndInOrder() throws {
        let built = try Built()
        var others = built.after.programHeaders
        others.removeAll { $0.virtualAddress == built.images.handoffAddress && $0.type == "LOAD" }
        #expect(others == built.before.programHeaders)
        let loadAddresses = built.after.loads.map(\.virtualAddress)
        #expect(loadAddresses == loadAddresses.sorted(), "the System V ABI wants PT_LOAD sorted by p_vaddr")
    }

    @Test func theHandoffSectionHoldsTheBlock() throws {
        let built = try Built()
        let section = try #require(built.after.section(FirmwareELF.handoffSectionName))
        #expect(section.type == "PROGBITS")
        #expect(section.flags == "A")
        #expect(section.address == built.images.handoffAddress)
        #expect(section.size == UInt64(Sample.block.count))
        #expect(Array(built.images.elf[Int(section.offset)..<Int(section.offset) + Sample.block.count]) == Sample.block)
    }

    @Test func everyOtherSectionKeepsItsPlace() throws {
        let built = try Built()
        for old in built.before.sections where old.name != ".shstrtab" {
            #expect(built.after.section(old.name) == old, "\(old.name)")
        }
        let names = try #require(built.before.section(".shstrtab"))
        let grown = try #require(built.after.section(".shstrtab"))
        #expect(grown.size == names.size + UInt64(FirmwareELF.handoffSectionName.utf8.count + 1))
        #expect(built.after.sections.count == built.before.sections.count + 1)
    }

    @Test func segmentBytesAreUnchangedButTheLocator() throws {
        let built = try Built()
        let locator = try #require(fileOffset(of: "guestfw_handoff_locator", in: built.before))
        for load in built.before.loads {
            let range = Int(load.offset)..<Int(load.offset + load.fileSize)
            var expected = Array(built.input[range])
            var actual = Array(built.images.elf[range])
            if range.contains(locator) {
                expected.replaceSubrange(locator - range.lowerBound..<locator - range.lowerBound + 8, with: [UInt8](repeating: 0, count: 8))
                actual.replaceSubrange(locator - range.lowerBound..<locator - range.lowerBound + 8, with: [UInt8](repeating: 0, count: 8))
            }
            #expect(actual == expected, "\(load)")
        }
    }

    @Test func theSymbolTableIsUnchanged() throws {
        let built = try Built()
        #expect(built.after.symbolTable == built.before.symbolTable)
        #expect(built.after.symbol("guestfw_handoff_locator")?.size == 8)
        #expect(built.after.symbol("firmware_main") != nil)
    }

    @Test func theLocatorHoldsAddressAndLength() throws {
        let built = try Built()
        let offset = try #require(fileOffset(of: "guestfw_handoff_locator", in: built.after))
        #expect(littleEndian32(built.images.elf, at: offset) == UInt32(built.images.handoffAddress))
        #expect(littleEndian32(built.images.elf, at: offset + 4) == UInt32(Sample.block.count))
    }

    @Test func readelfFindsNothingToWarnAbout() throws {
        let built = try Built()
        #expect(built.after.warnings.isEmpty, "\(built.after.warnings)")
    }

    /// gdb reads both straight from the file's sections, the way a debugging session would.
    @Test(.enabled(if: ProcessRunner.locate("gdb") != nil, "gdb is not installed"))
    func gdbFindsTheLocatorAndTheBlock() throws {
        let built = try Built()
        let gdb = try ProcessRunner.runChecked("gdb", [
            "-batch", "-nx",
            "-ex", "x/2wx &guestfw_handoff_locator",
            "-ex", "x/4xb \(hex(built.images.handoffAddress))",
            built.outputPath,
        ])
        let words = [UInt32(built.images.handoffAddress), UInt32(Sample.block.count)].map { "0x" + padded($0, 8) }
        #expect(gdb.stdout.contains("<guestfw_handoff_locator>:\t\(words[0])\t\(words[1])"), "\(gdb.stdout)")
        let bytes = Sample.block.prefix(4).map { "0x" + padded(UInt32($0), 2) }.joined(separator: "\t")
        #expect(gdb.stdout.contains(":\t\(bytes)"), "\(gdb.stdout)")
    }

    @Test func theSameInputsGiveTheSameBytes() throws {
        let input = try BootFirmware.bytes()
        let first = try FirmwareImages.build(bootELF: input, handoff: Sample.block, rom: Sample.rom)
        let second = try FirmwareImages.build(bootELF: input, handoff: Sample.block, rom: Sample.rom)
        #expect(first == second)
    }

    private func padded(_ value: UInt32, _ digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
