import Testing
@testable import VMConfig

/// The bytes of a description before either reader sees them (`SourceText`), and the decoder's
/// checked numbers.
@Suite("Source text") struct SourceTextTests {
    static let accepted = "a TOML or JSON VM description in UTF-8 (a byte-order mark only as its first 3 bytes)"

    @Test(arguments: [
        ([0x61, 0x0A, 0x62, 0xFF], "vm.toml:2: byte offset 3: not UTF-8 text: byte 0xFF cannot start a UTF-8 character"),
        ([0xC0, 0xAF], "vm.toml:1: byte offset 0: not UTF-8 text: byte 0xC0 cannot start a UTF-8 character"),
        ([0x61, 0xE2, 0x82], "vm.toml:1: byte offset 1: not UTF-8 text: the file ends inside a 3-byte UTF-8 character"),
        ([0xED, 0xA0, 0x80], "vm.toml:1: byte offset 1: not UTF-8 text: byte 0xA0 cannot follow 0xED in a UTF-8 character"),
        ([0xF4, 0x90, 0x80, 0x80], "vm.toml:1: byte offset 1: not UTF-8 text: byte 0x90 cannot follow 0xF4 in a UTF-8 character"),
        ([0xFE, 0xFF, 0x00, 0x61], "vm.toml:1: the file is UTF-16 big-endian (byte-order mark FE FF at byte offset 0), not UTF-8 text"),
        ([0x61, 0x00, 0x62, 0x00], "vm.toml:1: the file is UTF-16 little-endian without a byte-order mark (byte offset 1 is a NUL byte), not UTF-8 text"),
        ([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF], "vm.toml:1: byte offset 3: a byte-order mark (U+FEFF) after the start of the file"),
    ] as [([UInt8], String)])
    func refused(bytes: [UInt8], message: String) {
        do {
            _ = try SourceText.decode(bytes, file: "vm.toml")
            Issue.record("accepted \(bytes)")
        } catch {
            #expect(error.description == message + "; accepted: " + Self.accepted)
        }
    }

    @Test func oneLeadingByteOrderMarkAndMultibyteTextAreAccepted() throws {
        #expect(try SourceText.decode([0xEF, 0xBB, 0xBF] + Array("name = \"é😀\"".utf8), file: "vm.toml") == "\u{FEFF}name = \"é😀\"")
    }

    @Test(arguments: [
        ("2G", Quantity.Reading.value(2 << 30)), ("0x1_0000", .value(0x10000)), ("16777215T", .value(16_777_215 << 40)),
        ("16777216T", .outOfRange), ("0x10000000000000000", .outOfRange), ("18446744073709551616", .outOfRange),
        ("+1M", .invalid), ("-1", .invalid), ("0x+10", .invalid), ("0x-1", .invalid), ("0x", .invalid), ("_1", .invalid),
    ])
    func quantities(text: String, reading: Quantity.Reading) {
        #expect(Quantity.read(text) == reading)
    }

    @Test(arguments: ["+1", "-1", "1+", " 1", "g", ""])
    func hexFieldsTakeDigitsOnly(text: String) {
        #expect(ConfigDecoder.hexField(Substring(text)) == nil)
    }

    @Test func longValuesAreShortened() {
        #expect(render(.string(String(repeating: "x", count: 1000))) == "\"" + String(repeating: "x", count: 40) + "... (1000 characters)\"")
        #expect(render(.unusable(UnusableLiteral(.integerOutOfRange, text: String(repeating: "9", count: 400))))
            == String(repeating: "9", count: 40) + "... (400 digits)")
    }

    @Test func errorsAreCappedAtFifty() throws {
        let text = (0..<120).map { "k\($0) = 1\n" }.joined() + "memory = \"2G\"\n"
        do {
            _ = try ConfigLoader.load(text: text, file: "vm.toml")
            Issue.record("accepted")
        } catch {
            #expect(error.errors.count == 50)
            #expect(error.omitted == 70)
            #expect(error.description.hasSuffix("\nvm.toml: and 70 more errors (only the first 50 are shown)"))
        }
    }
}
