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
        let phoff = Int(elf[28]) | Int(elf[29]) << 8 | Int(elf[30]) << 16 | Int(elf[31]) << 24
        let fileSize: UInt32 = 0x332e_646c
        for byte in 0..<4 { elf[phoff + 16 + byte] = UInt8(truncatingIfNeeded: fileSize >> (8 * byte)) }
        let offset = Int(elf[phoff + 4]) | Int(elf[phoff + 5]) << 8 | Int(elf[phoff + 6]) << 16 | Int(elf[phoff + 7]) << 24
        let problem = "program header 0 runs past the end of the file: 0x332e646c bytes at offset 0x\(String(offset, radix: 16)), in a file of \(elf.count) bytes"
        #expect(throws: FirmwareImageError.malformedELF(problem: problem)) {
            try FirmwareELF.addingHandoff(Sample.block, at: 0xFFFE_0000, to: elf)
        }
        #expect(throws: FirmwareImageError.malformedELF(problem: problem)) {
            try FlatImage.make(elf: elf, romStart: 0xFFFE_0000)
        }
        #expect("\(FirmwareImageError.malformedELF(problem: problem))" == "the boot firmware ELF is malformed: " + problem)
    }
}
