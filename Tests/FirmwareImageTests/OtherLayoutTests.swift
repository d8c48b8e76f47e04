import FirmwareImage
import Foundation
import TestSupport
import Layout
import Testing

/// ELF layouts the boot firmware does not have today but a linker script change could give it.
@Suite("Other ELF layouts")
struct OtherLayoutTests {
    private static let romStart: UInt64 = 0xFFFF_0000
    private static let block = Array(Sample.block.prefix(100))

    /// The table cannot grow in place, so it moves to the end; nothing loaded moves with it.
    @Test func programHeadersPackedAgainstDataMoveToTheEnd() throws {
        let linked = LinkedELF(data: Array("packed".utf8), runAddress: 0x8_0000, loadAddress: 0xFFFF_8000, headers: .packed)
        let input = try linked.link()
        let output = try FirmwareELF.addingHandoff(Self.block, at: Self.romStart, to: input)
        let scratch = try ScratchDirectory()
        let before = try Readelf(file: scratch.write("in.elf", input))
        let after = try Readelf(file: scratch.write("out.elf", output))
        #expect(after.warnings.isEmpty, "\(after.warnings)")

        let data = try #require(before.section(".data"))
        #expect(data.offset < 52 + 3 * 32, "the fixture must leave the table no room to grow")
        #expect(after.section(".data") == data)
        var others = after.programHeaders
        others.removeAll { $0.virtualAddress == Self.romStart }
        #expect(others == before.programHeaders)

        let flat = try FlatImage.make(elf: output, romStart: Self.romStart)
        let dataAt = Int(linked.loadAddress! - Self.romStart)
        #expect(Array(flat[dataAt..<dataAt + linked.data.count]) == linked.data)
        #expect(Array(flat.prefix(Self.block.count)) == Self.block)
        let locator = try #require(fileOffset(of: "guestfw_handoff_locator", in: after))
        #expect(littleEndian32(output, at: locator) == UInt32(Self.romStart))
        #expect(littleEndian32(output, at: locator + 4) == UInt32(Self.block.count))
    }

    @Test func aSegmentThatLoadsTheHeadersIsRefused() throws {
        let linked = LinkedELF(data: Array("loaded".utf8), runAddress: 0x8_0000, loadAddress: 0xFFFF_8000, headers: .loaded)
        let input = try linked.link()
        let scratch = try ScratchDirectory()
        let before = try Readelf(file: scratch.write("in.elf", input))
        #expect(before.loads.contains { $0.offset == 0 && $0.fileSize > 0 }, "the fixture must load its headers")
        #expect {
            try FirmwareELF.addingHandoff(Self.block, at: Self.romStart, to: input)
        } throws: { error in
            guard case .loadedHeaders(let segment) = error as? FirmwareImageError else { return false }
            return segment.contains(".data")
        }
    }
}
