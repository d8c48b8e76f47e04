import CLibELF

/// The ROM image for QEMU's `-bios`: every byte from the ROM's start up to 4 GiB, as the CPU sees
/// it, built from an ELF's loadable segments the way a loader would (not from its sections).
public enum FlatImage {
    /// The ROM ends here; the CPU starts 16 bytes below.
    public static let top: UInt64 = 1 << 32
    /// QEMU refuses a `-bios` file whose size is not a multiple of this.
    public static let bank: UInt64 = 64 << 10
    public static let resetVectorSize: UInt64 = 16
    /// What an erased flash holds, and what QEMU shows for ROM nothing was loaded into.
    public static let fill: UInt8 = 0xFF

    /// The bytes a segment stores and where: its load address (p_paddr), which for data copied
    /// to RAM at start-up is its ROM copy, not the RAM address it runs at.
    public struct Segment: Sendable, Equatable {
        public var name: String
        public var loadAddress: UInt64
        public var bytes: [UInt8]

        public init(name: String, loadAddress: UInt64, bytes: [UInt8]) {
            self.name = name
            self.loadAddress = loadAddress
            self.bytes = bytes
        }

        /// Saturates, so that a segment absurdly high is reported as outside the ROM, not a trap.
        var limit: UInt64 {
            let (sum, overflow) = loadAddress.addingReportingOverflow(UInt64(bytes.count))
            return overflow ? .max : sum
        }
    }

    /// The flat image of `elf` for a ROM from `romStart` to 4 GiB.
    public static func make(elf: [UInt8], romStart: UInt64) throws -> [UInt8] {
        try make(segments: segments(ofELF: elf), romStart: romStart)
    }

    /// The flat image holding `segments`, gaps filled with 0xFF.
    public static func make(segments: [Segment], romStart: UInt64) throws -> [UInt8] {
        try checkROM(start: romStart, size: top &- romStart)
        let stored = segments.filter { !$0.bytes.isEmpty }
        try checkInROM(stored, romStart: romStart)
        try checkDisjoint(stored)
        try checkResetVector(stored)
        var image = [UInt8](repeating: fill, count: Int(top - romStart))
        for segment in stored {
            let offset = Int(segment.loadAddress - romStart)
            image.replaceSubrange(offset..<offset + segment.bytes.count, with: segment.bytes)
        }
        return image
    }

    /// The file-backed loadable segments of `elf`, each with the bytes the file holds for it.
    public static func segments(ofELF elf: [UInt8]) throws -> [Segment] {
        let file = try ELFReader.read(elf)
        return try file.programHeaders.indices
            .filter { file.programHeaders[$0].p_type == UInt32(PT_LOAD) && file.programHeaders[$0].p_filesz > 0 }
            .map { try segment(file, index: $0, elf: elf) }
    }

    private static func segment(_ file: ELFFile, index: Int, elf: [UInt8]) throws -> Segment {
        let phdr = file.programHeaders[index]
        let name = file.describeSegment(at: index)
        guard phdr.p_offset + phdr.p_filesz <= UInt64(elf.count) else {
            throw FirmwareImageError.malformedELF(problem: "\(name) runs past the end of the file")
        }
        let bytes = Array(elf[Int(phdr.p_offset)..<Int(phdr.p_offset + phdr.p_filesz)])
        return Segment(name: name, loadAddress: phdr.p_paddr, bytes: bytes)
    }

    static func checkROM(start: UInt64, size: UInt64) throws {
        guard start < top, start + size == top, size % bank == 0 else {
            throw FirmwareImageError.invalidROM(start: start, size: size)
        }
    }

    private static func checkInROM(_ segments: [Segment], romStart: UInt64) throws {
        for segment in segments where segment.loadAddress < romStart || segment.limit > top {
            throw FirmwareImageError.segmentOutsideROM(
                segment: segment.name, loadAddress: segment.loadAddress,
                size: UInt64(segment.bytes.count), romStart: romStart)
        }
    }

    private static func checkDisjoint(_ segments: [Segment]) throws {
        let sorted = segments.sorted { $0.loadAddress < $1.loadAddress }
        for (first, second) in zip(sorted, sorted.dropFirst()) where first.limit > second.loadAddress {
            throw FirmwareImageError.segmentsOverlap(first.name, second.name)
        }
    }

    /// QEMU starts the CPU at 0xFFFFFFF0: an image that leaves any of those bytes as fill would
    /// execute 0xFF bytes.
    private static func checkResetVector(_ segments: [Segment]) throws {
        let covered = (top - resetVectorSize..<top).allSatisfy { address in
            segments.contains { $0.loadAddress <= address && address < $0.limit }
        }
        if !covered { throw FirmwareImageError.noResetVector }
    }
}
