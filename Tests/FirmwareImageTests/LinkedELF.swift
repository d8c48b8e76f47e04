import Foundation
import Layout

/// A small i386 ELF made by ld from a linker script, for segments the boot firmware does not
/// have: `data` becomes `.data`, run at `runAddress` and loaded at `loadAddress` (the ROM copy a
/// start-up routine would move to RAM), and the reset vector holds `resetVector`.
struct LinkedELF {
    var data: [UInt8]
    var runAddress: UInt64
    var loadAddress: UInt64?
    var resetVector: [UInt8] = (0..<16).map { UInt8(0xE0 + $0) }

    func link() throws -> [UInt8] {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("data.bin", data)
        _ = try scratch.write("script.ld", text: script)
        try Tool.run("ld", ["-m", "elf_i386", "-T", "script.ld", "-b", "binary", "data.bin", "-o", "out.elf"], in: scratch.url)
        return try scratch.read("out.elf")
    }

    /// ld would load the reset vector at its address plus .data's LMA-VMA shift without an AT.
    private var script: String {
        let at = loadAddress.map { " AT(\(hex($0)))" } ?? ""
        let vector = resetVector.map { "BYTE(\(hex(UInt64($0))))" }.joined(separator: " ")
        return """
            OUTPUT_FORMAT("elf32-i386")
            OUTPUT_ARCH(i386)
            SECTIONS {
              .data \(hex(runAddress)) :\(at) { *(.data) }
              .resetvector 0xfffffff0 : AT(0xfffffff0) { \(vector) }
            }
            """
    }
}
