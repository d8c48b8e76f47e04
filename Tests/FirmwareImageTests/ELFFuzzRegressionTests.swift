import FirmwareImage
import Testing

/// Inputs the fuzz target FuzzELF (Fuzz/, `make fuzz`) found, each with what must happen instead.
@Suite("Fuzz regressions: ELF")
struct ELFFuzzRegressionTests {
    /// Fuzz/Corpus/FuzzELF/segment-past-end-of-file: the boot ELF with its program headers
    /// overwritten by symbol-name bytes, the first claiming 0x332e646c (858 MB) file bytes at
    /// 0x1000 in a 31 KB file. libelf reads that without complaint and the writer kept it:
    /// `addingHandoff` wrote an 858 MB ELF and the flat image copied it (a 27 s timeout under the
    /// fuzzer, 1.9 GB of memory). The same mutation, made here on the boot ELF of this build.
    @Test func aSegmentPastTheEndOfTheFileIsRefused() throws {
        var elf = try BootFirmware.bytes()
        let phoff = Self.word(elf, at: 28)
        Self.setWord(&elf, at: phoff + 16, to: 0x332e_646c)
        let offset = Self.word(elf, at: phoff + 4)
        let problem = "program header 0 runs past the end of the file: 0x332e646c bytes at offset 0x\(String(offset, radix: 16)), in a file of \(elf.count) bytes"
        #expect(throws: FirmwareImageError.malformedELF(problem: problem)) {
            try FirmwareELF.addingHandoff(Sample.block, at: 0xFFFE_0000, to: elf)
        }
        #expect(throws: FirmwareImageError.malformedELF(problem: problem)) {
            try FlatImage.make(elf: elf, romStart: 0xFFFE_0000)
        }
        #expect("\(FirmwareImageError.malformedELF(problem: problem))" == "the boot firmware ELF is malformed: " + problem)
    }

    /// Fuzz/Corpus/FuzzELF/segment-aligned-to-4g: the boot ELF with its first segment's
    /// p_align made 0xffffff00. The hand-off segment goes at an offset congruent to its address
    /// modulo that alignment: gigabytes of file (a timeout, then 4 GB asked of malloc). 2^31, a
    /// power of two, did the same; so did a section's alignment for a section that moves.
    @Test(arguments: [UInt32(0xFFFF_FF00), 0x8000_0000, 0x2_0000])
    func aSegmentAlignedPast64KiBIsRefused(_ alignment: UInt32) throws {
        var elf = try BootFirmware.bytes()
        let phoff = Self.word(elf, at: 28)
        Self.setWord(&elf, at: phoff + 28, to: alignment)
        #expect(throws: FirmwareImageError.unsupportedELF(
            problem: "has a loadable segment (program header 0) aligned to 0x\(String(alignment, radix: 16)) bytes (a power of two up to 0x10000 is supported)")) {
            try FirmwareELF.addingHandoff(Sample.block, at: 0xFFFE_0000, to: elf)
        }
    }

    @Test func aSectionAlignedPast64KiBIsRefused() throws {
        var elf = try BootFirmware.bytes()
        let shoff = Self.word(elf, at: 32)
        let names = Int(elf[50]) | Int(elf[51]) << 8
        Self.setWord(&elf, at: shoff + 40 * names + 32, to: 0x8000_0000)
        #expect(throws: FirmwareImageError.unsupportedELF(
            problem: "has the section '.shstrtab' aligned to 0x80000000 bytes (a power of two up to 0x10000 is supported)")) {
            try FirmwareELF.addingHandoff(Sample.block, at: 0xFFFE_0000, to: elf)
        }
    }

    /// Fuzz/Corpus/FuzzELF/empty-section-at-1g: the boot ELF with `.text16` (section 6) made
    /// empty at offset 0x4e004f00, and its segment holding 0x800 file bytes for 0x100 loaded.
    /// The writer kept the offset: a 1.3 GB ELF (out of memory under the fuzzer).
    @Test func anEmptySectionPastTheEndOfTheFileIsRefused() throws {
        var elf = try BootFirmware.bytes()
        let section6 = Self.word(elf, at: 32) + 40 * 6
        Self.setWord(&elf, at: section6 + 16, to: 0x4e00_4f00)
        Self.setWord(&elf, at: section6 + 20, to: 0)
        #expect(throws: FirmwareImageError.malformedELF(
            problem: "section 6 ('.text16') starts past the end of the file: offset 0x4e004f00, in a file of \(elf.count) bytes")) {
            try FirmwareELF.addingHandoff(Sample.block, at: 0xFFFE_0000, to: elf)
        }
    }

    @Test func aSegmentWithMoreFileBytesThanItLoadsIsRefused() throws {
        var elf = try BootFirmware.bytes()
        let phdr1 = Self.word(elf, at: 28) + 32
        let memorySize = Self.word(elf, at: phdr1 + 20)
        Self.setWord(&elf, at: phdr1 + 16, to: UInt32(memorySize + 0x700))
        #expect(throws: FirmwareImageError.malformedELF(
            problem: "program header 1 holds more file bytes (0x\(String(memorySize + 0x700, radix: 16))) than it loads (0x\(String(memorySize, radix: 16)))")) {
            try FirmwareELF.addingHandoff(Sample.block, at: 0xFFFE_0000, to: elf)
        }
    }

    /// The little-endian 32-bit word at `offset` of an ELF32 file.
    static func word(_ bytes: [UInt8], at offset: Int) -> Int {
        (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }

    static func setWord(_ bytes: inout [UInt8], at offset: Int, to value: UInt32) {
        for byte in 0..<4 { bytes[offset + byte] = UInt8(truncatingIfNeeded: value >> (8 * byte)) }
    }
}

