import Foundation
import TestSupport
import Layout

/// A small i386 ELF made by as and ld, for layouts the boot firmware does not have: `data` and
/// then a `guestfw_handoff_locator` make up `.data`, run at `runAddress` and loaded at
/// `loadAddress` (the ROM copy a start-up routine would move to RAM); the reset vector holds
/// `resetVector`.
struct LinkedELF {
    /// Where the ELF and program headers are relative to `.data` in the file.
    enum Headers {
        /// `.data` starts on the next page: the default, like the boot firmware.
        case apart
        /// `.data` follows the program headers at once, and no segment loads the headers
        /// (a PHDRS command): the program header table cannot grow where it is.
        case packed
        /// `.data` follows the headers and its segment loads them too (ld's default then).
        case loaded
    }

    var data: [UInt8]
    var runAddress: UInt64
    var loadAddress: UInt64?
    var headers = Headers.apart
    var resetVector: [UInt8] = (0..<16).map { UInt8(0xE0 + $0) }

    func link() throws -> [UInt8] {
        let scratch = try ScratchDirectory()
        _ = try scratch.write("data.bin", data)
        _ = try scratch.write("locator.s", text: LinkedELF.locator)
        _ = try scratch.write("script.ld", text: script)
        try ProcessRunner.runChecked("as", ["--32", "locator.s", "-o", "locator.o"], in: scratch.url)
        try ProcessRunner.runChecked("ld", ["-m", "elf_i386", "-T", "script.ld", "locator.o", "-b", "binary", "data.bin", "-o", "out.elf"],
                     in: scratch.url)
        return try scratch.read("out.elf")
    }

    /// Without an AT, ld would load the reset vector at its address plus .data's LMA-VMA shift.
    private var script: String {
        let shift = headers == .apart ? "" : " + SIZEOF_HEADERS"
        let at = loadAddress.map { " AT(\(hex($0)))" } ?? ""
        let vector = resetVector.map { "BYTE(\(hex(UInt64($0))))" }.joined(separator: " ")
        let phdrs = headers == .packed ? "PHDRS { data PT_LOAD; vector PT_LOAD; }" : ""
        let (dataSegment, vectorSegment) = headers == .packed ? (" :data", " :vector") : ("", "")
        return """
            OUTPUT_FORMAT("elf32-i386")
            OUTPUT_ARCH(i386)
            \(phdrs)
            SECTIONS {
              .data \(hex(runAddress))\(shift) :\(at) { *(.data) *(.handoff_locator) }\(dataSegment)
              .resetvector 0xfffffff0 : AT(0xfffffff0) { \(vector) }\(vectorSegment)
            }
            """
    }

    private static let locator = """
        .section .handoff_locator, "a"
        .balign 8
        .globl guestfw_handoff_locator
        .type guestfw_handoff_locator, @object
        guestfw_handoff_locator: .long 0, 0
        .size guestfw_handoff_locator, 8

        """
}
