import CLibELF

/// Writes an `ELFFile` through libelf exactly as laid out: ELF_F_LAYOUT keeps libelf from moving
/// anything, and the caller has set every offset (libelf never lays out program headers anyway).
enum ELFWriter {
    static func write(_ file: ELFFile) throws -> [UInt8] {
        try LibELF.start()
        let scratch = try ScratchFile()
        // Elf_Data.d_buf must stay valid until elf_end, so the bytes live in buffers owned here.
        let buffers = SectionBuffers(file.sections.map(\.bytes))
        let size = try withExtendedLifetime(buffers) {
            let elf = try LibELF.check(elf_begin(scratch.descriptor, ELF_C_WRITE, nil), "elf_begin")
            defer { elf_end(elf) }
            try build(elf, file, buffers)
            let size = elf_update(elf, ELF_C_WRITE)
            guard size >= 0 else { throw LibELF.failure("elf_update") }
            return Int(size)
        }
        return try scratch.contents(count: size)
    }

    private static func build(_ elf: OpaquePointer, _ file: ELFFile, _ buffers: SectionBuffers) throws {
        _ = try LibELF.check(gelf_newehdr(elf, Int32(ELFCLASS32)), "gelf_newehdr")
        if !file.programHeaders.isEmpty {
            _ = try LibELF.check(gelf_newphdr(elf, file.programHeaders.count), "gelf_newphdr")
        }
        for index in file.sections.indices.dropFirst() {
            try addSection(elf, file.sections[index], index: index, buffer: buffers[index])
        }
        var header = file.header
        try nonZero(gelf_update_ehdr(elf, &header), "gelf_update_ehdr")
        for (index, phdr) in file.programHeaders.enumerated() {
            var phdr = phdr
            try nonZero(gelf_update_phdr(elf, Int32(index), &phdr), "gelf_update_phdr")
        }
        _ = elf_flagelf(elf, ELF_C_SET, UInt32(ELF_F_LAYOUT))
    }

    private static func addSection(
        _ elf: OpaquePointer, _ section: ELFSection, index: Int, buffer: UnsafeMutableRawBufferPointer
    ) throws {
        let scn = try LibELF.check(elf_newscn(elf), "elf_newscn")
        // The first elf_newscn also makes the null section, so indices match only if it did.
        guard elf_ndxscn(scn) == index else {
            throw FirmwareImageError.libelf(operation: "elf_newscn", message: "section \(index) came out as \(elf_ndxscn(scn))")
        }
        var header = section.header
        try nonZero(gelf_update_shdr(scn, &header), "gelf_update_shdr")
        guard buffer.count > 0 else { return }
        let data = try LibELF.check(elf_newdata(scn), "elf_newdata")
        data.pointee.d_buf = buffer.baseAddress
        data.pointee.d_size = buffer.count
        data.pointee.d_off = 0
        data.pointee.d_type = ELF_T_BYTE
        data.pointee.d_align = max(1, Int(section.header.sh_addralign))
        data.pointee.d_version = UInt32(EV_CURRENT)
    }

    /// gelf_update_* return zero on failure, unlike the rest of libelf.
    private static func nonZero(_ result: Int32, _ operation: String) throws {
        if result == 0 { throw LibELF.failure(operation) }
    }
}

/// One buffer per section, freed only when this object goes: libelf keeps pointers into them.
final class SectionBuffers {
    private let buffers: [UnsafeMutableRawBufferPointer]

    init(_ contents: [[UInt8]]) {
        buffers = contents.map { bytes in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
            buffer.copyBytes(from: bytes)
            return buffer
        }
    }

    subscript(index: Int) -> UnsafeMutableRawBufferPointer { buffers[index] }

    deinit { buffers.forEach { $0.deallocate() } }
}
