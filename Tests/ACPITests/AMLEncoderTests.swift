import ACPI
import Testing

// Each case holds an ASL snippet and the AML iasl 20200925 made of it: the snippet wrapped in
// `DefinitionBlock ("", "SSDT", 2, "GSTFW", "TEST", 1) { ... }`, compiled with `iasl -on`, the
// 36-byte header dropped. scripts/aml-expected.sh wrote every `hex:` below that way; run it again
// after adding or changing a snippet. The nodes next to each snippet must encode the same bytes.
//
// Snippets that refer to names declare them first, because iasl refuses references to objects
// that do not exist; the nodes then build the same declarations.

/// `Device (\_SB.PCI0) { Name (_ADR, 0) Device (S00) { Name (_ADR, 0) } }`, for cases that refer to them.
let pci0WithS00 = AML.Device("\\_SB.PCI0", [AML.Name("_ADR", 0), AML.Device("S00", [AML.Name("_ADR", 0)])])

@Suite("AML names")
struct AMLNameTests {
    @Test func singleSegmentIsPaddedWithUnderscores() {
        expectAML(AML.Name("AB", 1), asl: #"Name (AB, 1)"#, hex: "0841425f5f01")
    }

    @Test func rootAlone() {
        expectAML(AML.Scope("\\", [AML.Name("X", 1)]), asl: #"Scope (\) { Name (X, 1) }"#, hex: "10095c0008585f5f5f01")
    }

    @Test func rootedDualName() {
        expectAML(AML.Device("\\_SB.PCI0", [AML.Name("_ADR", 0)]),
                  asl: #"Device (\_SB.PCI0) { Name (_ADR, 0) }"#, hex: "5b82115c2e5f53425f50434930085f41445200")
    }

    @Test func rootedMultiName() {
        expectAML(pci0WithS00, AML.Name("\\_SB.PCI0.S00.PRT0", 1),
                  asl: #"Device (\_SB.PCI0) { Name (_ADR, 0) Device (S00) { Name (_ADR, 0) } } Name (\_SB.PCI0.S00.PRT0, 1)"#,
                  hex: "5b821e5c2e5f53425f50434930085f414452005b820b5330305f085f41445200085c2f045f53425f504349305330305f5052543001")
    }

    @Test func relativeDualAndMultiNames() {
        expectAML(pci0WithS00, AML.Scope("\\_SB", [AML.Name("PCI0.X", 1), AML.Name("PCI0.S00.Y", 2)]),
                  asl: #"Device (\_SB.PCI0) { Name (_ADR, 0) Device (S00) { Name (_ADR, 0) } } Scope (\_SB) { Name (PCI0.X, 1) Name (PCI0.S00.Y, 2) }"#,
                  hex: "5b821e5c2e5f53425f50434930085f414452005b820b5330305f085f4144520010225c5f53425f082e50434930585f5f5f01082f03504349305330305f595f5f5f0a02")
    }

    @Test func parentPrefixes() {
        let refs = AML.Package([AML.Path("^^PCI0"), AML.Path("^S00"), AML.Path("^_ADR")])
        expectAML(pci0WithS00, AML.Scope("\\_SB.PCI0.S00", [AML.Name("P", refs)]),
                  asl: #"Device (\_SB.PCI0) { Name (_ADR, 0) Device (S00) { Name (_ADR, 0) } } Scope (\_SB.PCI0.S00) { Name (P, Package () { ^^PCI0, ^S00, ^_ADR }) }"#,
                  hex: "5b821e5c2e5f53425f50434930085f414452005b820b5330305f085f4144520010285c2f035f53425f504349305330305f08505f5f5f1212035e5e504349305e5330305f5e5f414452")
    }

    @Test func nameAsTerm() {
        expectAML(pci0WithS00, AML.Method("\\_SB.PCI0.M", args: 0, [AML.Notify(AML.Path("S00"), 1)]),
                  asl: #"Device (\_SB.PCI0) { Name (_ADR, 0) Device (S00) { Name (_ADR, 0) } } Method (\_SB.PCI0.M, 0) { Notify (S00, 1) }"#,
                  hex: "5b821e5c2e5f53425f50434930085f414452005b820b5330305f085f4144520014175c2f035f53425f504349304d5f5f5f00865330305f01")
    }

    @Test func nullNameIsOneZeroByte() {
        #expect(AML.Path.null.aml == [0x00])
        #expect(AML.Path("").aml == [0x00])
        #expect(AML.Path("\\").aml == [0x5C, 0x00])
        #expect(AML.Path("^").aml == [0x5E, 0x00])
    }
}

@Suite("AML integers")
struct AMLIntegerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let value: UInt64, asl: String, hex: String
        var testDescription: String { "0x" + String(value, radix: 16) }
    }

    // Every boundary of the encodings: ZeroOp, OneOp, BytePrefix, WordPrefix, DWordPrefix,
    // QWordPrefix, OnesOp. In this revision 2 table iasl writes 0xFFFFFFFF as a DWord and only
    // 0xFFFFFFFFFFFFFFFF as OnesOp (in a revision 1 table it writes OnesOp for 0xFFFFFFFF).
    static let cases: [Case] = [
        Case(value: 0, asl: #"Name (I, 0)"#, hex: "08495f5f5f00"),
        Case(value: 1, asl: #"Name (I, 1)"#, hex: "08495f5f5f01"),
        Case(value: 2, asl: #"Name (I, 2)"#, hex: "08495f5f5f0a02"),
        Case(value: 0xFF, asl: #"Name (I, 0xFF)"#, hex: "08495f5f5f0aff"),
        Case(value: 0x100, asl: #"Name (I, 0x100)"#, hex: "08495f5f5f0b0001"),
        Case(value: 0xFFFF, asl: #"Name (I, 0xFFFF)"#, hex: "08495f5f5f0bffff"),
        Case(value: 0x10000, asl: #"Name (I, 0x10000)"#, hex: "08495f5f5f0c00000100"),
        Case(value: 0xFFFF_FFFF, asl: #"Name (I, 0xFFFFFFFF)"#, hex: "08495f5f5f0cffffffff"),
        Case(value: 0x1_0000_0000, asl: #"Name (I, 0x100000000)"#, hex: "08495f5f5f0e0000000001000000"),
        Case(value: 0x0123_4567_89AB_CDEF, asl: #"Name (I, 0x0123456789ABCDEF)"#, hex: "08495f5f5f0eefcdab8967452301"),
        Case(value: 0xFFFF_FFFF_FFFF_FFFE, asl: #"Name (I, 0xFFFFFFFFFFFFFFFE)"#, hex: "08495f5f5f0efeffffffffffffff"),
        Case(value: 0xFFFF_FFFF_FFFF_FFFF, asl: #"Name (I, 0xFFFFFFFFFFFFFFFF)"#, hex: "08495f5f5fff"),
    ]

    @Test(arguments: cases)
    func shortestEncoding(_ c: Case) {
        expectAML(AML.Name("I", AML.Integer(c.value)), asl: c.asl, hex: c.hex)
    }

    @Test func literalsEncodeAsIntegers() {
        let literal: AML.Integer = 0x1234
        #expect(literal.aml == AML.Integer(0x1234).aml)
        #expect(0x1234.aml == AML.Integer(0x1234).aml)
    }
}

@Suite("AML package lengths")
struct AMLPkgLengthTests {
    // A Buffer's PkgLength covers the size term and the bytes. `Buffer () {"AA..A"}` holds the
    // characters and a NUL. The bodies are 62/63 bytes (PkgLength 1 → 2 bytes) and 4093/4094
    // bytes (2 → 3 bytes). The totals 64 and 4096 cannot occur: a body of 63 bytes needs the
    // second byte and so totals 65 (encoded length 0x41), one of 4094 totals 4097.
    @Test func oneByteUpToTotal63() {
        expectAML(AML.Name("B", AML.Buffer(ascii("A", 59))), asl: #"Name (B, Buffer () {"{{A*59}}"})"#, hex: "08425f5f5f113f0a3c 41*59 00")
    }

    @Test func twoBytesFromBody63() {
        expectAML(AML.Name("B", AML.Buffer(ascii("A", 60))), asl: #"Name (B, Buffer () {"{{A*60}}"})"#, hex: "08425f5f5f1141040a3d 41*60 00")
    }

    @Test func twoBytesUpToTotal4095() {
        expectAML(AML.Name("B", AML.Buffer(ascii("A", 4089))), asl: #"Name (B, Buffer () {"{{A*4089}}"})"#, hex: "08425f5f5f114fff0bfa0f 41*4089 00")
    }

    @Test func threeBytesFromBody4094() {
        expectAML(AML.Name("B", AML.Buffer(ascii("A", 4090))), asl: #"Name (B, Buffer () {"{{A*4090}}"})"#, hex: "08425f5f5f118100010bfb0f 41*4090 00")
    }

    // A 1 MiB body is too big for a test snippet (and takes iasl minutes), but a field's bit
    // length is sized by the same iasl rule, so the Field case at 0xFFFFC/0xFFFFD bits checks the
    // 3 → 4 byte step against iasl; here it is applied to package lengths.
    @Test func threeAndFourByteLengths() {
        #expect(AML.PkgLength.encode(0xF_FFFC) == [0x8F, 0xFF, 0xFF])          // total 0xFFFFF
        #expect(AML.PkgLength.encode(0xF_FFFD) == [0xC1, 0x00, 0x00, 0x01])    // total 0x100001
        #expect(AML.PkgLength.encode(0xFFF_FFFF - 4) == [0xCF, 0xFF, 0xFF, 0xFF])
    }

    /// `count` copies of `character` and the NUL iasl appends to a string initializer.
    private func ascii(_ character: Character, _ count: Int) -> [UInt8] {
        [UInt8](repeating: character.asciiValue!, count: count) + [0]
    }
}

@Suite("AML data objects")
struct AMLDataObjectTests {
    @Test func stringLiteral() {
        expectAML(AML.Name("S", AML.StringLiteral("PNP0A06")), AML.Name("E", AML.StringLiteral("")),
                  asl: #"Name (S, "PNP0A06") Name (E, "")"#, hex: "08535f5f5f0d504e50304130360008455f5f5f0d00")
    }

    @Test func buffer() {
        expectAML(AML.Name("B", AML.Buffer([0x01, 0x02, 0xFF])), AML.Name("O", AML.Buffer([0x07])),
                  asl: #"Name (B, Buffer () {1, 2, 0xFF}) Name (O, Buffer () {7})"#, hex: "08425f5f5f11060a030102ff084f5f5f5f11030107")
    }

    @Test func emptyBuffer() {
        expectAML(AML.Name("B", AML.Buffer([])), asl: #"Name (B, Buffer () {})"#, hex: "08425f5f5f110200")
    }

    @Test func package() {
        let inner = AML.Package([AML.Integer(0x1234)])
        expectAML(AML.Name("P", AML.Package([1, AML.StringLiteral("abc"), AML.Buffer([1, 2]), inner])),
                  AML.Name("E", AML.Package([])),
                  asl: #"Name (P, Package () { 1, "abc", Buffer () {1, 2}, Package () { 0x1234 } }) Name (E, Package () {})"#,
                  hex: "08505f5f5f121404010d6162630011050a0201021205010b341208455f5f5f120200")
    }

    @Test func packageOf255IsStillAPackage() {
        expectAML(AML.Name("P", AML.Package(Array(repeating: 1, count: 255))),
                  asl: #"Name (P, Package () { {{1, *254}}1 })"#, hex: "08505f5f5f124210ff 01*255")
    }

    @Test func packageOf256IsAVarPackage() {
        expectAML(AML.Name("P", AML.Package(Array(repeating: 1, count: 256))),
                  asl: #"Name (P, Package () { {{1, *255}}1 })"#, hex: "08505f5f5f1345100b00 01*257")
    }

    @Test func eisaID() {
        expectAML(AML.Name("_HID", AML.EISAID("PNP0A08")), AML.Name("_CID", AML.EISAID("PNP0C02")),
                  asl: #"Name (_HID, EisaId ("PNP0A08")) Name (_CID, EisaId ("PNP0C02"))"#, hex: "085f4849440c41d00a08085f4349440c41d00c02")
        #expect(AML.EISAID("PNP0A08").value == 0x080A_D041)
    }

    /// The integers acpiexec printed for `all _HID` on QEMU 7.2's q35 DSDT
    /// (shared/reference/qemu-q35-seabios), beside the ids its disassembly names.
    @Test func eisaIDDecodesWhatACPICAPrints() {
        let printed: [(UInt64, String)] = [(0x080A_D041, "PNP0A08"), (0x060A_D041, "PNP0A06"), (0x0303_D041, "PNP0303"),
                                           (0x130F_D041, "PNP0F13"), (0x0105_D041, "PNP0501"), (0x000B_D041, "PNP0B00"),
                                           (0x0F0C_D041, "PNP0C0F")]
        for (value, id) in printed { #expect(AML.EISAID.decode(value) == id) }
        #expect(AML.EISAID.decode(UInt64(AML.EISAID("AAA0000").value)) == "AAA0000")
        #expect(AML.EISAID.decode(0) == nil, "letters 0 are outside A-Z")
        #expect(AML.EISAID.decode(1 << 32) == nil)
    }

    // "AAA0000" compresses to 0x00002104: iasl then writes it as a Word, like any integer.
    @Test func eisaIDWithZeroHighBytesIsShorter() {
        expectAML(AML.Name("E", AML.EISAID("AAA0000")), asl: #"Name (E, EisaId ("AAA0000"))"#, hex: "08455f5f5f0b0421")
    }

    @Test func toUUID() {
        expectAML(AML.Name("U", AML.ToUUID("33db4d5b-1ff7-401c-9657-7441c03dd766")),
                  asl: #"Name (U, ToUUID ("33db4d5b-1ff7-401c-9657-7441c03dd766"))"#, hex: "08555f5f5f11130a105b4ddb33f71f1c4096577441c03dd766")
    }
}

@Suite("AML namespace objects")
struct AMLNamespaceTests {
    @Test func scope() {
        expectAML(AML.Scope("\\_SB", [AML.Name("X", 1)]), asl: #"Scope (\_SB) { Name (X, 1) }"#, hex: "100c5c5f53425f08585f5f5f01")
    }

    @Test func device() {
        expectAML(AML.Device("PCI0", [AML.Name("_HID", AML.EISAID("PNP0A08")), AML.Name("_UID", 0)]),
                  asl: #"Device (PCI0) { Name (_HID, EisaId ("PNP0A08")) Name (_UID, 0) }"#, hex: "5b821550434930085f4849440c41d00a08085f55494400")
    }

    @Test func name() {
        expectAML(AML.Name("_S5", AML.Package([0, 0, 0, 0])),
                  asl: #"Name (_S5, Package () { 0, 0, 0, 0 })"#, hex: "085f53355f12060400000000")
    }

    @Test func method() {
        expectAML(AML.Method("M", args: 0, []),
                  AML.Method("N", args: 2, serialized: true, [AML.Return(AML.Arg(1))]),
                  AML.Method("_OSC", args: 4, [AML.Return(AML.Arg(3))]),
                  asl: #"Method (M, 0) { } Method (N, 2, Serialized) { Return (Arg1) } Method (_OSC, 4, NotSerialized) { Return (Arg3) }"#,
                  hex: "14064d5f5f5f0014084e5f5f5f0aa46914085f4f534304a46b")
    }

    @Test func methodWithSevenArguments() {
        expectAML(AML.Method("M", args: 7, serialized: true, [AML.Return(AML.Arg(6))]),
                  asl: #"Method (M, 7, Serialized) { Return (Arg6) }"#, hex: "14084d5f5f5f0fa46e")
    }
}

@Suite("AML statements and operators")
struct AMLOperatorTests {
    @Test func ifWithoutElse() {
        expectAML(AML.Method("M", args: 1, [AML.If(AML.Arg(0), [AML.Return(1)]), AML.Return(2)]),
                  asl: #"Method (M, 1) { If (Arg0) { Return (1) } Return (2) }"#, hex: "140e4d5f5f5f01a00468a401a40a02")
    }

    // iasl writes If and Else as two consecutive terms, the Else after the If's PkgLength.
    @Test func ifElse() {
        expectAML(AML.Method("M", args: 1, [
                      AML.If(AML.LEqual(AML.Arg(0), 1), [AML.Return(1)]),
                      AML.Else([AML.Return(2)]),
                  ]),
                  asl: #"Method (M, 1) { If (LEqual (Arg0, 1)) { Return (1) } Else { Return (2) } }"#, hex: "14124d5f5f5f01a006936801a401a104a40a02")
    }

    @Test func emptyElseIsKept() {
        expectAML(AML.Method("M", args: 1, [AML.If(AML.Arg(0), [AML.Return(1)]), AML.Else([]), AML.Return(3)]),
                  asl: #"Method (M, 1) { If (Arg0) { Return (1) } Else { } Return (3) }"#, hex: "14104d5f5f5f01a00468a401a101a40a03")
    }

    @Test func returnOfAName() {
        expectAML(AML.Name("X", 5), AML.Method("M", args: 0, [AML.Return(AML.Path("X"))]),
                  asl: #"Name (X, 5) Method (M, 0) { Return (X) }"#, hex: "08585f5f5f0a05140b4d5f5f5f00a4585f5f5f")
    }

    @Test func store() {
        expectAML(AML.Method("M", args: 1, [AML.Store(AML.Arg(0), AML.Local(0)), AML.Return(AML.Local(0))]),
                  asl: #"Method (M, 1) { Store (Arg0, Local0) Return (Local0) }"#, hex: "140b4d5f5f5f01706860a460")
    }

    @Test func andWithAndWithoutTarget() {
        expectAML(AML.Method("M", args: 1, [
                      AML.And(AML.Arg(0), 0x1F, target: AML.Local(1)),
                      AML.Return(AML.And(AML.Local(1), 1)),
                  ]),
                  asl: #"Method (M, 1) { And (Arg0, 0x1F, Local1) Return (And (Local1, 1)) }"#, hex: "14104d5f5f5f017b680a1f61a47b610100")
    }

    @Test func orWithAndWithoutTarget() {
        expectAML(AML.Method("M", args: 1, [
                      AML.Or(AML.Arg(0), 0x10, target: AML.Local(1)),
                      AML.Return(AML.Or(AML.Local(1), 1)),
                  ]),
                  asl: #"Method (M, 1) { Or (Arg0, 0x10, Local1) Return (Or (Local1, 1)) }"#, hex: "14104d5f5f5f017d680a1061a47d610100")
    }

    @Test func notify() {
        expectAML(AML.Method("M", args: 1, [AML.Notify(AML.Arg(0), 0x80)]),
                  asl: #"Method (M, 1) { Notify (Arg0, 0x80) }"#, hex: "140a4d5f5f5f0186680a80")
    }

    @Test func lEqual() {
        expectAML(AML.Method("M", args: 2, [AML.Return(AML.LEqual(AML.Arg(0), AML.Arg(1)))]),
                  asl: #"Method (M, 2) { Return (LEqual (Arg0, Arg1)) }"#, hex: "140a4d5f5f5f02a4936869")
    }

    @Test func lGreater() {
        expectAML(AML.Method("M", args: 2, [AML.Return(AML.LGreater(AML.Arg(0), AML.Arg(1)))]),
                  asl: #"Method (M, 2) { Return (LGreater (Arg0, Arg1)) }"#, hex: "140a4d5f5f5f02a4946869")
    }

    @Test func lLess() {
        expectAML(AML.Method("M", args: 2, [AML.Return(AML.LLess(AML.Arg(0), 3))]),
                  asl: #"Method (M, 2) { Return (LLess (Arg0, 3)) }"#, hex: "140b4d5f5f5f02a495680a03")
    }

    @Test func lNot() {
        expectAML(AML.Method("M", args: 1, [AML.Return(AML.LNot(AML.Arg(0)))]),
                  asl: #"Method (M, 1) { Return (LNot (Arg0)) }"#, hex: "14094d5f5f5f01a49268")
    }

    @Test func lAnd() {
        expectAML(AML.Method("M", args: 2, [AML.Return(AML.LAnd(AML.Arg(0), AML.Arg(1)))]),
                  asl: #"Method (M, 2) { Return (LAnd (Arg0, Arg1)) }"#, hex: "140a4d5f5f5f02a4906869")
    }

    @Test func lOr() {
        expectAML(AML.Method("M", args: 2, [AML.Return(AML.LOr(AML.Arg(0), AML.LNot(AML.Arg(1))))]),
                  asl: #"Method (M, 2) { Return (LOr (Arg0, LNot (Arg1))) }"#, hex: "140b4d5f5f5f02a491689269")
    }

    @Test func everyArgAndLocal() {
        let args = (0...6).map { AML.Store(AML.Arg($0), AML.Local($0)) }
        let sum = AML.Or(AML.Local(0), AML.Local(1), target: AML.Local(7))
        expectAML(AML.Method("M", args: 7, args + [sum, AML.Return(AML.LAnd(AML.Local(7), AML.Local(6)))]),
                  asl: #"Method (M, 7) { Store (Arg0, Local0) Store (Arg1, Local1) Store (Arg2, Local2) Store (Arg3, Local3) Store (Arg4, Local4) Store (Arg5, Local5) Store (Arg6, Local6) Or (Local0, Local1, Local7) Return (LAnd (Local7, Local6)) }"#,
                  hex: "14234d5f5f5f07706860706961706a62706b63706c64706d65706e667d606167a4906766")
    }

    @Test func createDWordField() {
        expectAML(AML.Method("M", args: 1, [
                      AML.CreateDWordField(AML.Arg(0), 4, "CDW2"),
                      AML.Return(AML.Path("CDW2")),
                  ]),
                  asl: #"Method (M, 1) { CreateDWordField (Arg0, 4, CDW2) Return (CDW2) }"#, hex: "14134d5f5f5f018a680a0443445732a443445732")
    }
}

@Suite("AML operation regions and fields")
struct AMLRegionTests {
    @Test func operationRegionInEachSpace() {
        expectAML(AML.OperationRegion("PCST", space: .systemIO, offset: 0xAE00, length: 0x08),
                  AML.OperationRegion("MR", space: .systemMemory, offset: 0xFED0_0000, length: 0x400),
                  AML.OperationRegion("PC", space: .pciConfig, offset: 0, length: 0x100),
                  asl: #"OperationRegion (PCST, SystemIO, 0xAE00, 0x08) OperationRegion (MR, SystemMemory, 0xFED00000, 0x400) OperationRegion (PC, PCI_Config, 0, 0x100)"#,
                  hex: "5b8050435354010b00ae0a085b804d525f5f000c0000d0fe0b00045b8050435f5f02000b0001")
    }

    @Test func fieldWithDefaults() {
        expectAML(AML.OperationRegion("DBG", space: .systemIO, offset: 0x402, length: 1),
                  AML.Field("DBG", [.named("DBGB", bits: 8)]),
                  asl: #"OperationRegion (DBG, SystemIO, 0x0402, 1) Field (DBG, ByteAcc, NoLock, Preserve) { DBGB, 8 }"#,
                  hex: "5b804442475f010b0204015b810b4442475f014442474208")
    }

    // `Offset (16)` in ASL is a reserved run up to bit 128; the node spells that run out.
    @Test func fieldFlagsAndReservedBits() {
        expectAML(AML.OperationRegion("R", space: .systemIO, offset: 0xAE00, length: 0x20),
                  AML.Field("R", access: .dword, lock: true, update: .writeAsZeros, [
                      .named("P0", bits: 32), .reserved(bits: 8), .named("P1", bits: 1),
                      .reserved(bits: 128 - 41), .named("P2", bits: 8),
                  ]),
                  asl: #"OperationRegion (R, SystemIO, 0xAE00, 0x20) Field (R, DWordAcc, Lock, WriteAsZeros) { P0, 32, , 8, P1, 1, Offset (16), P2, 8 }"#,
                  hex: "5b80525f5f5f010b00ae0a205b811a525f5f5f5350305f5f20000850315f5f0100470550325f5f08")
    }

    @Test func everyAccessAndUpdateRule() {
        expectAML(AML.OperationRegion("R", space: .systemMemory, offset: 0, length: 0x100),
                  AML.Field("R", access: .any, update: .writeAsOnes, [.named("A", bits: 8)]),
                  AML.Field("R", access: .word, [.named("W", bits: 16)]),
                  AML.Field("R", access: .qword, [.named("Q", bits: 64)]),
                  AML.Field("R", access: .buffer, [.named("B", bits: 8)]),
                  asl: #"OperationRegion (R, SystemMemory, 0, 0x100) Field (R, AnyAcc, NoLock, WriteAsOnes) { A, 8 } Field (R, WordAcc, NoLock, Preserve) { W, 16 } Field (R, QWordAcc, NoLock, Preserve) { Q, 64 } Field (R, BufferAcc, NoLock, Preserve) { B, 8 }"#,
                  hex: "5b80525f5f5f00000b00015b810b525f5f5f20415f5f5f085b810b525f5f5f02575f5f5f105b810c525f5f5f04515f5f5f40045b810b525f5f5f05425f5f5f08")
    }

    // A field's bit length has the PkgLength's form but does not count its own bytes, and iasl
    // sizes it with the package thresholds anyway: 62 bits in one byte, 63 in two (though one
    // would hold it), 4093 in two, 4094 and 4095 in three, 0xFFFFC in three, 0xFFFFD in four.
    @Test func fieldLengthsAtEveryEncodingStep() {
        expectAML(AML.OperationRegion("R", space: .systemMemory, offset: 0, length: 0x40_0000),
                  AML.Field("R", access: .any, [
                      .named("A", bits: 62), .named("B", bits: 63), .named("C", bits: 64),
                      .reserved(bits: 4093), .reserved(bits: 4094), .named("D", bits: 4095), .named("E", bits: 4096),
                      .reserved(bits: 0xF_FFFC), .reserved(bits: 0xF_FFFD), .named("F", bits: 1),
                  ]),
                  asl: #"OperationRegion (R, SystemMemory, 0, 0x400000) Field (R, AnyAcc, NoLock, Preserve) { A, 62, B, 63, C, 64, , 4093, , 4094, D, 4095, E, 4096, , 1048572, , 1048573, F, 1 }"#,
                  hex: "5b80525f5f5f00000c000040005b813a525f5f5f00415f5f5f3e425f5f5f4f03435f5f5f4004004dff008eff00445f5f5f8fff00455f5f5f800001008cffff00cdffff00465f5f5f01")
    }
}
