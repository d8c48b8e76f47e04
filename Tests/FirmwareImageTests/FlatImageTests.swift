import FirmwareImage
import Foundation
import TestSupport
import Layout
import Testing

@Suite("Flat ROM image")
struct FlatImageTests {
    @Test func itCoversTheROMUpTo4GiBInWholeBanks() throws {
        let built = try Built()
        #expect(UInt64(built.images.flat.count) == Sample.rom.size)
        #expect(built.images.flat.count % (64 << 10) == 0)
    }

    @Test func itEndsWithTheBootFirmwaresResetVector() throws {
        let built = try Built()
        let vector = try #require(built.before.section(".resetvector"))
        let expected = Array(built.input[Int(vector.offset)..<Int(vector.offset + vector.size)])
        #expect(expected.count == 16)
        #expect(Array(built.images.flat.suffix(16)) == expected)
    }

    @Test func theBlockIsAtItsAddressInTheROM() throws {
        let built = try Built()
        let offset = Int(built.images.handoffAddress - Sample.rom.start)
        #expect(Array(built.images.flat[offset..<offset + Sample.block.count]) == Sample.block)
    }

    /// The same image rebuilt from readelf's view of the output ELF: every loadable segment's
    /// file bytes at its physical address, 0xFF elsewhere.
    @Test func itIsTheOutputELFsSegmentsAtTheirLoadAddresses() throws {
        let built = try Built()
        var expected = [UInt8](repeating: 0xFF, count: Int(Sample.rom.size))
        for load in built.after.loads where load.fileSize > 0 {
            let at = Int(load.physicalAddress - Sample.rom.start)
            expected.replaceSubrange(at..<at + Int(load.fileSize),
                                     with: built.images.elf[Int(load.offset)..<Int(load.offset + load.fileSize)])
        }
        #expect(built.images.flat == expected)
    }

    @Test func dataRunInRAMIsStoredAtItsROMCopy() throws {
        let linked = LinkedELF(data: Array("initial values of .data".utf8), runAddress: 0x8_0000, loadAddress: 0xFFFF_8000)
        let romStart: UInt64 = 0xFFFF_0000
        let flat = try FlatImage.make(elf: try linked.link(), romStart: romStart)
        let offset = Int(linked.loadAddress! - romStart)
        #expect(flat.count == Int(FlatImage.top - romStart))
        #expect(Array(flat[offset..<offset + linked.data.count]) == linked.data)
        #expect(Array(flat.suffix(16)) == linked.resetVector)
        #expect(flat[..<offset].allSatisfy { $0 == 0xFF })
    }

    @Test func aSegmentLoadedOutsideTheROMIsNamed() throws {
        let linked = LinkedELF(data: [1, 2, 3, 4], runAddress: 0x8_0000, loadAddress: nil)
        let elf = try linked.link()
        let scratch = try ScratchDirectory()
        let data = try #require(try Readelf(file: scratch.write("linked.elf", elf)).section(".data"))
        #expect {
            try FlatImage.make(elf: elf, romStart: 0xFFFF_0000)
        } throws: { error in
            guard case .segmentOutsideROM(let segment, let address, let size, let romStart) = error as? FirmwareImageError else { return false }
            return segment.contains(".data") && address == linked.runAddress && size == data.size && romStart == 0xFFFF_0000
                && "\(error)".contains(".data")
        }
    }

    @Test func aROMMustBeWholeBanksEndingAt4GiB() {
        let halfBank = FlatImage.top - FlatImage.bank / 2
        #expect(throws: FirmwareImageError.invalidROM(start: halfBank, size: FlatImage.bank / 2)) {
            try FlatImage.make(segments: [Self.resetVector], romStart: halfBank)
        }
    }

    @Test func anImageWithoutAResetVectorIsRefused() {
        let low = FlatImage.Segment(name: "low", loadAddress: FlatImage.top - FlatImage.bank, bytes: [0x90])
        #expect(throws: FirmwareImageError.noResetVector) {
            try FlatImage.make(segments: [low], romStart: FlatImage.top - FlatImage.bank)
        }
    }

    @Test func overlappingSegmentsAreRefused() {
        let other = FlatImage.Segment(name: "other", loadAddress: FlatImage.top - 8, bytes: [0, 0])
        #expect(throws: FirmwareImageError.segmentsOverlap("reset", "other")) {
            try FlatImage.make(segments: [other, Self.resetVector], romStart: FlatImage.top - FlatImage.bank)
        }
    }

    @Test func segmentsAreStoredAtTheirLoadAddressesAndGapsAreFill() throws {
        let romStart = FlatImage.top - 2 * FlatImage.bank
        let low = FlatImage.Segment(name: "low", loadAddress: romStart + 3, bytes: [1, 2, 3])
        let flat = try FlatImage.make(segments: [Self.resetVector, low], romStart: romStart)
        var expected = [UInt8](repeating: FlatImage.fill, count: Int(2 * FlatImage.bank))
        expected.replaceSubrange(3..<6, with: low.bytes)
        expected.replaceSubrange(expected.count - 16..<expected.count, with: Self.resetVector.bytes)
        #expect(flat == expected)
    }

    private static let resetVector = FlatImage.Segment(
        name: "reset", loadAddress: FlatImage.top - 16, bytes: (0..<16).map { UInt8($0) })
}
