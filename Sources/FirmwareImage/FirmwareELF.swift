import CLibELF
import Layout

/// The boot firmware ELF with a hand-off block added: what `out/firmware.elf` holds.
public enum FirmwareELF {
    /// The section (and segment) the block is stored in.
    public static let handoffSectionName = ".handoff"

    /// `bootELF` plus the section `.handoff` holding `block` at `address`, loaded there by a
    /// PT_LOAD of its own, and `guestfw_handoff_locator` set to (address, block.count). All other
    /// sections, symbols and segments are kept; the same inputs always give the same bytes.
    public static func addingHandoff(_ block: [UInt8], at address: UInt64, to bootELF: [UInt8]) throws -> [UInt8] {
        var file = try ELFReader.read(bootELF)
        let range = try blockRange(address: address, size: block.count)
        try checkPlace(range, in: file)
        try checkHeadersNotLoaded(file)
        try checkSupported(file)
        try file.setLocator(HandoffLocator(address: UInt32(address), length: UInt32(block.count)))
        return try ELFWriter.write(file.addingHandoff(block, at: address, named: handoffSectionName))
    }

    private static func blockRange(address: UInt64, size: Int) throws -> AddressRange {
        guard size > 0 else { throw FirmwareImageError.emptyBlock }
        let range = AddressRange(start: address, size: UInt64(size))
        guard range.limit <= FlatImage.top else {
            throw FirmwareImageError.blockBeyond4GiB(address: address, length: UInt64(size))
        }
        return range
    }

    /// The block may share neither virtual nor load addresses with the boot code: either would
    /// let one overwrite the other, in the address space or in the ROM image.
    private static func checkPlace(_ block: AddressRange, in file: ELFFile) throws {
        for (index, phdr) in file.programHeaders.enumerated() where phdr.p_type == UInt32(PT_LOAD) && phdr.p_memsz > 0 {
            let virtual = AddressRange(start: phdr.p_vaddr, size: phdr.p_memsz)
            let physical = AddressRange(start: phdr.p_paddr, size: phdr.p_memsz)
            if block.overlaps(virtual) || block.overlaps(physical) {
                throw FirmwareImageError.blockOverlapsSegment(block: block, segment: file.describeSegment(at: index))
            }
        }
    }

    /// The new section's name goes into the section name table, and one more section and
    /// program header must still fit the ELF header's 16-bit counts.
    private static func checkSupported(_ file: ELFFile) throws {
        if file.sectionNameTableIndex == 0 || file.sectionNameTableIndex >= file.sections.count {
            throw FirmwareImageError.unsupportedELF(problem: "has no section name table")
        }
        if file.sections.count + 1 >= Int(SHN_LORESERVE) {
            throw FirmwareImageError.unsupportedELF(problem: "has \(file.sections.count) sections")
        }
        if file.programHeaders.count + 1 >= Int(PN_XNUM) {
            throw FirmwareImageError.unsupportedELF(problem: "has \(file.programHeaders.count) program headers")
        }
        try checkAlignments(file)
    }

    /// The new segment is placed at an offset congruent to its address modulo the segments'
    /// alignment, and a moved section at a multiple of its own: an alignment of 2^31 made a 30 KB
    /// ELF grow to gigabytes (found by FuzzELF). Linkers use powers of two up to a page or a
    /// few; one ROM bank (64 KiB) bounds what the file may grow by.
    private static func checkAlignments(_ file: ELFFile) throws {
        func supported(_ alignment: UInt64) -> Bool { alignment <= FlatImage.bank && alignment & (alignment &- 1) == 0 }
        for (index, phdr) in file.programHeaders.enumerated() where phdr.p_type == UInt32(PT_LOAD) && !supported(phdr.p_align) {
            throw FirmwareImageError.unsupportedELF(
                problem: "has a loadable segment (program header \(index)) aligned to 0x\(String(phdr.p_align, radix: 16)) bytes (a power of two up to 0x10000 is supported)")
        }
        for section in file.sections where !supported(section.header.sh_addralign) {
            throw FirmwareImageError.unsupportedELF(
                problem: "has the section '\(section.name)' aligned to 0x\(String(section.header.sh_addralign, radix: 16)) bytes (a power of two up to 0x10000 is supported)")
        }
    }

    /// The headers change (one more program header, new table offsets): a segment that loads
    /// them would load different bytes, and a PT_PHDR would describe a table that moved.
    private static func checkHeadersNotLoaded(_ file: ELFFile) throws {
        let headers = file.headerFileRanges
        for (index, phdr) in file.programHeaders.enumerated() {
            let loaded = phdr.p_offset..<phdr.p_offset + phdr.p_filesz
            let loadsHeaders = phdr.p_type == UInt32(PT_LOAD) && headers.contains { $0.overlaps(loaded) }
            if phdr.p_type == UInt32(PT_PHDR) || loadsHeaders {
                throw FirmwareImageError.loadedHeaders(segment: file.describeSegment(at: index))
            }
        }
    }
}
