@testable import FirmwareImage
import Testing

/// How additions are placed in an ELF file: paths the boot firmware's own layout never takes.
@Suite("File space")
struct FileSpaceTests {
    @Test func aPreferredPlaceThatIsFreeIsKept() {
        var space = FileSpace(used: [0..<52, 0x1000..<0x1100])
        #expect(space.claim(size: 128, preferring: 52, alignment: 4) == 52)
        #expect(!space.isFree(100..<101))
    }

    @Test func aPreferredPlaceThatIsTakenMovesToTheAlignedEnd() {
        var space = FileSpace(used: [0..<52, 0x74..<0x88, 0x1000..<0x1003])
        #expect(space.claim(size: 96, preferring: 52, alignment: 4) == 0x1004)
        #expect(space.end == 0x1004 + 96)
    }

    @Test func aSegmentsPlaceIsCongruentToItsAddress() {
        var space = FileSpace(used: [0..<0x1234])
        let offset = space.claimAtEnd(size: 8, congruentTo: 0xFFFC_0010, alignment: 0x1000)
        #expect(offset >= 0x1234)
        #expect(offset % 0x1000 == 0xFFFC_0010 % 0x1000)
        #expect(offset < 0x1234 + 0x1000)
    }

    @Test func emptyRangesTakeNoSpace() {
        let space = FileSpace(used: [0..<52, 0x500..<0x500])
        #expect(space.end == 52)
        #expect(space.isFree(0x500..<0x600))
    }
}
