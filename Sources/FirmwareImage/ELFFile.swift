import CLibELF

/// A 32-bit ELF file taken apart into plain values, so that changes to it are ordinary Swift and
/// only reading and writing touch libelf. Offsets are the file's own: `ELFWriter` lays nothing
/// out, it writes every header and section exactly where these values say.
struct ELFFile {
    var header: GElf_Ehdr
    var programHeaders: [GElf_Phdr]
    /// Every section in section header table order, the null section at index 0.
    var sections: [ELFSection]
    /// The symbols of every SHT_SYMTAB section, read once so that lookups need no libelf.
    var symbols: [ELFSymbol]

    /// Appends, never inserts: symbols and sh_link refer to sections by index, so no existing
    /// index may shift.
    mutating func appendSection(_ section: ELFSection) -> Int {
        sections.append(section)
        return sections.count - 1
    }

    var sectionNameTableIndex: Int { Int(header.e_shstrndx) }

    var loadSegments: [GElf_Phdr] { programHeaders.filter { $0.p_type == UInt32(PT_LOAD) } }

    /// The ELF header and the program header table, where they are in the file now.
    var headerFileRanges: [Range<UInt64>] {
        let table = header.e_phoff..<header.e_phoff + UInt64(header.e_phentsize) * UInt64(header.e_phnum)
        return [0..<UInt64(header.e_ehsize), table].filter { !$0.isEmpty }
    }

    /// "segment 1 (.text .rodata)": how errors name a segment, by the sections it holds.
    func describeSegment(at index: Int) -> String {
        let names = sections.filter { $0.isAllocated(within: programHeaders[index]) }.map(\.name)
        let held = names.isEmpty ? "" : " (\(names.joined(separator: " ")))"
        return "segment \(index)\(held)"
    }
}

struct ELFSymbol {
    var name: String
    var value: UInt64
    var size: UInt64
    var sectionIndex: Int
}

struct ELFSection {
    var header: GElf_Shdr
    var name: String
    /// The section's file bytes, untranslated; empty for SHT_NOBITS.
    var bytes: [UInt8]

    var occupiesFile: Bool { header.sh_type != UInt32(SHT_NOBITS) && header.sh_size > 0 }
    var fileEnd: UInt64 { header.sh_offset + header.sh_size }

    func isAllocated(within phdr: GElf_Phdr) -> Bool {
        guard header.sh_flags & UInt64(SHF_ALLOC) != 0, header.sh_size > 0 else { return false }
        return header.sh_addr >= phdr.p_vaddr && header.sh_addr + header.sh_size <= phdr.p_vaddr + phdr.p_memsz
    }
}
