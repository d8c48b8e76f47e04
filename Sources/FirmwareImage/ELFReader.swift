import CLibELF

/// Reads a 32-bit ELF file into an `ELFFile` through libelf.
enum ELFReader {
    static func read(_ bytes: [UInt8]) throws -> ELFFile {
        try LibELF.start()
        // libelf reads the image in place for as long as the descriptor lives, so it gets a copy
        // that outlives the descriptor rather than a pointer scoped to a closure.
        let image = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        defer { image.deallocate() }
        image.copyBytes(from: bytes)
        let base = image.baseAddress!.assumingMemoryBound(to: CChar.self)
        let elf = try LibELF.check(elf_memory(base, bytes.count), "elf_memory")
        defer { elf_end(elf) }
        try requireELF32(elf)
        let file = try read(elf)
        try checkSegmentsInFile(file.programHeaders, size: bytes.count)
        try checkSectionsInFile(file.sections, size: bytes.count)
        return file
    }

    /// libelf reads program headers without looking at what they point to, and the writer
    /// keeps them: a segment claiming 800 MB of a 30 KB file made `build` write (and the flat
    /// image copy) 800 MB. Every segment's file bytes must lie in the file, and be no more than
    /// it loads (ELF: p_filesz may not exceed p_memsz).
    private static func checkSegmentsInFile(_ headers: [GElf_Phdr], size: Int) throws {
        for (index, phdr) in headers.enumerated() where phdr.p_filesz > 0 {
            let (end, overflow) = phdr.p_offset.addingReportingOverflow(phdr.p_filesz)
            if overflow || end > UInt64(size) {
                throw FirmwareImageError.malformedELF(
                    problem: "program header \(index) runs past the end of the file: 0x\(String(phdr.p_filesz, radix: 16)) bytes at offset 0x\(String(phdr.p_offset, radix: 16)), in a file of \(size) bytes")
            }
            if phdr.p_filesz > phdr.p_memsz {
                throw FirmwareImageError.malformedELF(
                    problem: "program header \(index) holds more file bytes (0x\(String(phdr.p_filesz, radix: 16))) than it loads (0x\(String(phdr.p_memsz, radix: 16)))")
            }
        }
    }

    /// Likewise a section's offset, even an empty section's: the writer keeps offsets, and an
    /// empty section at 1.3 GB made a 1.3 GB ELF (found by FuzzELF).
    private static func checkSectionsInFile(_ sections: [ELFSection], size: Int) throws {
        for (index, section) in sections.enumerated() where section.header.sh_offset > UInt64(size) {
            throw FirmwareImageError.malformedELF(
                problem: "section \(index) ('\(section.name)') starts past the end of the file: offset 0x\(String(section.header.sh_offset, radix: 16)), in a file of \(size) bytes")
        }
    }

    private static func requireELF32(_ elf: OpaquePointer) throws {
        guard elf_kind(elf) == ELF_K_ELF else { throw FirmwareImageError.notELF32(detail: "no ELF header") }
        let elfClass = gelf_getclass(elf)
        guard elfClass == ELFCLASS32 else {
            let detail = elfClass == ELFCLASS64 ? "it is a 64-bit ELF file" : "unknown ELF class \(elfClass)"
            throw FirmwareImageError.notELF32(detail: detail)
        }
    }

    private static func read(_ elf: OpaquePointer) throws -> ELFFile {
        var header = GElf_Ehdr()
        _ = try LibELF.check(gelf_getehdr(elf, &header), "gelf_getehdr")
        let sections = try readSections(elf)
        return ELFFile(
            header: header,
            programHeaders: try readProgramHeaders(elf),
            sections: sections,
            symbols: try readSymbols(elf, sections: sections))
    }

    private static func readProgramHeaders(_ elf: OpaquePointer) throws -> [GElf_Phdr] {
        var count = 0
        try LibELF.check(elf_getphdrnum(elf, &count), "elf_getphdrnum")
        return try (0..<count).map { index in
            var phdr = GElf_Phdr()
            _ = try LibELF.check(gelf_getphdr(elf, Int32(index), &phdr), "gelf_getphdr")
            return phdr
        }
    }

    private static func readSections(_ elf: OpaquePointer) throws -> [ELFSection] {
        var count = 0
        var nameTable = 0
        try LibELF.check(elf_getshdrnum(elf, &count), "elf_getshdrnum")
        try LibELF.check(elf_getshdrstrndx(elf, &nameTable), "elf_getshdrstrndx")
        return try (0..<count).map { index in
            let scn = try LibELF.check(elf_getscn(elf, index), "elf_getscn")
            var header = GElf_Shdr()
            _ = try LibELF.check(gelf_getshdr(scn, &header), "gelf_getshdr")
            let name = index == 0 ? "" : string(elf, table: nameTable, offset: header.sh_name)
            return ELFSection(header: header, name: name, bytes: try fileBytes(scn, header))
        }
    }

    /// The raw data, not elf_getdata's: it is written back unchanged, so it must not be translated.
    private static func fileBytes(_ scn: OpaquePointer, _ header: GElf_Shdr) throws -> [UInt8] {
        guard header.sh_type != UInt32(SHT_NOBITS), header.sh_size > 0 else { return [] }
        let data = try LibELF.check(elf_rawdata(scn, nil), "elf_rawdata")
        guard let buffer = data.pointee.d_buf, UInt64(data.pointee.d_size) == header.sh_size else {
            throw FirmwareImageError.malformedELF(problem: "a section's data is not its sh_size bytes")
        }
        return Array(UnsafeRawBufferPointer(start: buffer, count: data.pointee.d_size))
    }

    private static func readSymbols(_ elf: OpaquePointer, sections: [ELFSection]) throws -> [ELFSymbol] {
        try sections.indices
            .filter { sections[$0].header.sh_type == UInt32(SHT_SYMTAB) }
            .flatMap { try readSymbols(elf, table: $0, header: sections[$0].header) }
    }

    private static func readSymbols(_ elf: OpaquePointer, table: Int, header: GElf_Shdr) throws -> [ELFSymbol] {
        let scn = try LibELF.check(elf_getscn(elf, table), "elf_getscn")
        let data = try LibELF.check(elf_getdata(scn, nil), "elf_getdata")
        let count = header.sh_entsize == 0 ? 0 : Int(header.sh_size / header.sh_entsize)
        return try (0..<count).map { index in
            var symbol = GElf_Sym()
            _ = try LibELF.check(gelf_getsym(data, Int32(index), &symbol), "gelf_getsym")
            return ELFSymbol(
                name: string(elf, table: Int(header.sh_link), offset: symbol.st_name),
                value: symbol.st_value,
                size: symbol.st_size,
                sectionIndex: Int(symbol.st_shndx))
        }
    }

    private static func string(_ elf: OpaquePointer, table: Int, offset: UInt32) -> String {
        elf_strptr(elf, table, Int(offset)).map { String(cString: $0) } ?? ""
    }
}
