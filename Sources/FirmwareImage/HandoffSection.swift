import CLibELF

/// Adding the block to an `ELFFile` as a section of its own with a PT_LOAD of its own: gdb and
/// readelf then show it where the firmware sees it, and the flat image is made from segments alone.
extension ELFFile {
    /// The block sits in read-only ROM: loaded, never written or executed.
    func addingHandoff(_ block: [UInt8], at address: UInt64, named name: String) -> ELFFile {
        var file = self
        let nameOffset = file.appendSectionName(name)
        let index = file.appendSection(ELFSection(
            header: handoffSectionHeader(nameOffset: nameOffset, address: address, size: block.count),
            name: name,
            bytes: block))
        let offset = file.layOut(newSection: index, programHeaderCount: programHeaders.count + 1)
        file.insertLoadSegment(handoffProgramHeader(address: address, size: block.count, offset: offset))
        return file
    }

    private func handoffSectionHeader(nameOffset: UInt32, address: UInt64, size: Int) -> GElf_Shdr {
        var header = GElf_Shdr()
        header.sh_name = nameOffset
        header.sh_type = UInt32(SHT_PROGBITS)
        header.sh_flags = UInt64(SHF_ALLOC)
        header.sh_addr = address
        header.sh_size = UInt64(size)
        header.sh_addralign = UInt64(HandoffFormat.alignment)
        return header
    }

    private func handoffProgramHeader(address: UInt64, size: Int, offset: UInt64) -> GElf_Phdr {
        var phdr = GElf_Phdr()
        phdr.p_type = UInt32(PT_LOAD)
        phdr.p_offset = offset
        phdr.p_flags = UInt32(PF_R)
        phdr.p_vaddr = address
        phdr.p_paddr = address
        phdr.p_filesz = UInt64(size)
        phdr.p_memsz = UInt64(size)
        phdr.p_align = segmentAlignment
        return phdr
    }

    /// The alignment the linker gave the other loadable segments, so the new one looks like them.
    private var segmentAlignment: UInt64 { loadSegments.map(\.p_align).max().map { max($0, 1) } ?? 1 }

    private mutating func appendSectionName(_ name: String) -> UInt32 {
        let table = sectionNameTableIndex
        let offset = UInt32(sections[table].bytes.count)
        sections[table].bytes += Array(name.utf8) + [0]
        sections[table].header.sh_size = UInt64(sections[table].bytes.count)
        return offset
    }

    /// Loadable segments must appear in ascending p_vaddr order (System V ABI), so the new one
    /// goes before the first that starts above it.
    private mutating func insertLoadSegment(_ phdr: GElf_Phdr) {
        let position = programHeaders.firstIndex { $0.p_type == UInt32(PT_LOAD) && $0.p_vaddr > phdr.p_vaddr }
            ?? (programHeaders.lastIndex { $0.p_type == UInt32(PT_LOAD) }.map { $0 + 1 } ?? programHeaders.count)
        programHeaders.insert(phdr, at: position)
        header.e_phnum = UInt16(programHeaders.count)
    }

    /// Sections the change left alone keep their offsets, so the original segments keep theirs;
    /// the grown name table and program header table stay put if they still fit, and the new
    /// section and the section header table go at the end. Returns the new section's offset.
    private mutating func layOut(newSection: Int, programHeaderCount: Int) -> UInt64 {
        let nameTable = sectionNameTableIndex
        var space = keptSpace(excluding: [nameTable, newSection])
        sections[nameTable].header.sh_offset = space.claim(
            size: sections[nameTable].header.sh_size, preferring: sections[nameTable].header.sh_offset, alignment: 1)
        let tableSize = UInt64(header.e_phentsize) * UInt64(programHeaderCount)
        let tableStaysPut = programHeaderTableStaysPut(size: tableSize, in: space, excluding: newSection)
        if tableStaysPut { space.take(header.e_phoff..<header.e_phoff + tableSize) }
        let handoff = sections[newSection].header
        let handoffOffset = space.claimAtEnd(size: handoff.sh_size, congruentTo: handoff.sh_addr, alignment: segmentAlignment)
        sections[newSection].header.sh_offset = handoffOffset
        let word = UInt64(MemoryLayout<UInt32>.size)
        header.e_shoff = space.claimAtEnd(size: UInt64(header.e_shentsize) * UInt64(sections.count), alignment: word)
        header.e_shnum = UInt16(sections.count)
        if !tableStaysPut { header.e_phoff = space.claimAtEnd(size: tableSize, alignment: word) }
        return handoffOffset
    }

    /// The file bytes that must not move: the ELF header, every section but `excluded`, and every
    /// loadable segment (whose padding between sections is loaded too).
    private func keptSpace(excluding excluded: Set<Int>) -> FileSpace {
        let kept = sections.indices
            .filter { !excluded.contains($0) && sections[$0].occupiesFile }
            .map { sections[$0].header.sh_offset..<sections[$0].fileEnd }
        let loaded = loadSegments.map { $0.p_offset..<$0.p_offset + $0.p_filesz }
        return FileSpace(used: [0..<UInt64(header.e_ehsize)] + kept + loaded)
    }

    /// elfutils (ELF_C_WRITE) writes the program header table first, then the sections in file
    /// order, filling every gap between them with the fill byte: a table between two sections
    /// would be overwritten. It survives only before the first section or after the section
    /// header table, where the caller puts it when it cannot stay.
    private func programHeaderTableStaysPut(size: UInt64, in space: FileSpace, excluding newSection: Int) -> Bool {
        let start = header.e_phoff
        let firstSection = sections.indices
            .filter { $0 != newSection && sections[$0].occupiesFile }
            .map { sections[$0].header.sh_offset }.min() ?? .max
        return start >= UInt64(header.e_ehsize) && start + size <= firstSection && space.isFree(start..<start + size)
    }
}
