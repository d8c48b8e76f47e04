import ACPI
import Testing

// Resource descriptors, each in a `Name (R, ResourceTemplate () { ... })` so iasl wraps it in
// the Buffer and the End Tag as our ResourceTemplate does. The expected bytes come from iasl as
// described at the top of AMLEncoderTests.swift (scripts/aml-expected.sh).
//
// The flags are those of QEMU's q35 host bridge _CRS: address space descriptors are
// ResourceProducer, PosDecode, MinFixed, MaxFixed (EntireRange for I/O), with granularity and
// translation 0 and length max - min + 1.

@Suite("AML resource descriptors")
struct AMLResourceTests {
    @Test func endTagOnly() {
        expectAML(AML.Name("R", AML.ResourceTemplate([])), asl: #"Name (R, ResourceTemplate () { })"#, hex: "08525f5f5f11050a027900")
    }

    @Test func wordBusNumber() {
        expectResource(AML.WordBusNumber(min: 0, max: 0xFF),
                       asl: #"Name (R, ResourceTemplate () { WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0x0000, 0x0000, 0x00FF, 0x0000, 0x0100,,,) })"#,
                       hex: "08525f5f5f11150a12880d00020c0000000000ff00000000017900")
    }

    @Test func io() {
        expectResource(AML.IO(min: 0xCF8, max: 0xCF8, alignment: 1, length: 8),
                       asl: #"Name (R, ResourceTemplate () { IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08,) })"#,
                       hex: "08525f5f5f110d0a0a4701f80cf80c01087900")
    }

    @Test func wordIO() {
        expectResource(AML.WordIO(min: 0xD00, max: 0xFFFF),
                       asl: #"Name (R, ResourceTemplate () { WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0x0000, 0x0D00, 0xFFFF, 0x0000, 0xF300,,, , TypeStatic, DenseTranslation) })"#,
                       hex: "08525f5f5f11150a12880d00010c030000000dffff000000f37900")
    }

    @Test func dwordIO() {
        expectResource(AML.DWordIO(min: 0x1000, max: 0xFFFF),
                       asl: #"Name (R, ResourceTemplate () { DWordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0x00000000, 0x00001000, 0x0000FFFF, 0x00000000, 0x0000F000,,, , TypeStatic, DenseTranslation) })"#,
                       hex: "08525f5f5f111f0a1c871700010c030000000000100000ffff00000000000000f000007900")
    }

    @Test func dwordMemoryCacheableReadWrite() {
        expectResource(AML.DWordMemory(min: 0xA0000, max: 0xBFFFF),
                       asl: #"Name (R, ResourceTemplate () { DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite, 0x00000000, 0x000A0000, 0x000BFFFF, 0x00000000, 0x00020000,,, , AddressRangeMemory, TypeStatic) })"#,
                       hex: "08525f5f5f111f0a1c871700000c030000000000000a00ffff0b0000000000000002007900")
    }

    @Test func dwordMemoryEveryCacheability() {
        expectAML(AML.Name("R", AML.ResourceTemplate([
                      AML.DWordMemory(min: 0xC000_0000, max: 0xFEBF_FFFF, cacheable: .nonCacheable),
                      AML.DWordMemory(min: 0xC000_0000, max: 0xFEBF_FFFF, cacheable: .writeCombining, readWrite: false),
                      AML.DWordMemory(min: 0xC000_0000, max: 0xFEBF_FFFF, cacheable: .prefetchable),
                  ])),
                  asl: #"Name (R, ResourceTemplate () { DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite, 0, 0xC0000000, 0xFEBFFFFF, 0, 0x3EC00000,,, , AddressRangeMemory, TypeStatic) DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, WriteCombining, ReadOnly, 0, 0xC0000000, 0xFEBFFFFF, 0, 0x3EC00000,,, , AddressRangeMemory, TypeStatic) DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Prefetchable, ReadWrite, 0, 0xC0000000, 0xFEBFFFFF, 0, 0x3EC00000,,, , AddressRangeMemory, TypeStatic) })"#,
                  hex: "08525f5f5f1144050a50871700000c0100000000000000c0ffffbffe000000000000c03e871700000c0400000000000000c0ffffbffe000000000000c03e871700000c0700000000000000c0ffffbffe000000000000c03e7900")
    }

    @Test func qwordMemory() {
        expectResource(AML.QWordMemory(min: 0x2_0000_0000, max: 0x9_FFFF_FFFF, cacheable: .cacheable, readWrite: true),
                       asl: #"Name (R, ResourceTemplate () { QWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite, 0x0000000000000000, 0x0000000200000000, 0x00000009FFFFFFFF, 0x0000000000000000, 0x0000000800000000,,, , AddressRangeMemory, TypeStatic) })"#,
                       hex: "08525f5f5f11330a308a2b00000c0300000000000000000000000002000000ffffffff09000000000000000000000000000000080000007900")
    }

    @Test func memory32Fixed() {
        expectAML(AML.Name("R", AML.ResourceTemplate([
                      AML.Memory32Fixed(base: 0xB000_0000, length: 0x1000_0000),
                      AML.Memory32Fixed(base: 0xFED0_0000, length: 0x400, readWrite: false),
                  ])),
                  asl: #"Name (R, ResourceTemplate () { Memory32Fixed (ReadWrite, 0xB0000000, 0x10000000) Memory32Fixed (ReadOnly, 0xFED00000, 0x00000400) })"#,
                  hex: "08525f5f5f111d0a1a86090001000000b000000010860900000000d0fe000400007900")
    }

    @Test func irqNoFlags() {
        expectAML(AML.Name("R", AML.ResourceTemplate([AML.IRQNoFlags([0, 8, 15]), AML.IRQNoFlags([9])])),
                  asl: #"Name (R, ResourceTemplate () { IRQNoFlags () {0, 8, 15} IRQNoFlags () {9} })"#,
                  hex: "08525f5f5f110b0a082201812200027900")
    }

    @Test func interrupt() {
        expectAML(AML.Name("R", AML.ResourceTemplate([
                      AML.Interrupt(levelTriggered: true, activeLow: false, shared: true, [16, 17, 0x100]),
                      AML.Interrupt(consumer: false, levelTriggered: false, activeLow: true, shared: false, [5]),
                  ])),
                  asl: #"Name (R, ResourceTemplate () { Interrupt (ResourceConsumer, Level, ActiveHigh, Shared, ,, ) {16, 17, 0x100} Interrupt (ResourceProducer, Edge, ActiveLow, Exclusive, ,, ) {5} })"#,
                  hex: "08525f5f5f111f0a1c890e0009031000000011000000000100008906000601050000007900")
    }

    // The descriptors of QEMU's q35 host bridge _CRS together (its DSDT, reference/qemu-q35-seabios).
    @Test func hostBridgeTemplate() {
        expectAML(AML.Name("_CRS", AML.ResourceTemplate([
                      AML.WordBusNumber(min: 0, max: 0xFF),
                      AML.IO(min: 0xCF8, max: 0xCF8, alignment: 1, length: 8),
                      AML.WordIO(min: 0, max: 0xCF7),
                      AML.WordIO(min: 0xD00, max: 0xFFFF),
                      AML.DWordMemory(min: 0xA0000, max: 0xBFFFF),
                      AML.DWordMemory(min: 0xC000_0000, max: 0xFEBF_FFFF, cacheable: .nonCacheable),
                      AML.QWordMemory(min: 0x2_0000_0000, max: 0x9_FFFF_FFFF),
                  ])),
                  asl: #"Name (_CRS, ResourceTemplate () { WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, 0, 0xFF, 0, 0x100,,,) IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08,) WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, 0, 0x0CF7, 0, 0x0CF8,,, , TypeStatic, DenseTranslation) WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, 0x0D00, 0xFFFF, 0, 0xF300,,, , TypeStatic, DenseTranslation) DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite, 0, 0x000A0000, 0x000BFFFF, 0, 0x00020000,,, , AddressRangeMemory, TypeStatic) DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite, 0, 0xC0000000, 0xFEBFFFFF, 0, 0x3EC00000,,, , AddressRangeMemory, TypeStatic) QWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite, 0, 0x200000000, 0x9FFFFFFFF, 0, 0x800000000,,, , AddressRangeMemory, TypeStatic) })"#,
                  hex: "085f43525311400a0a9c880d00020c0000000000ff00000000014701f80cf80c0108880d00010c0300000000f70c0000f80c880d00010c030000000dffff000000f3871700000c030000000000000a00ffff0b000000000000000200871700000c0100000000000000c0ffffbffe000000000000c03e8a2b00000c0300000000000000000000000002000000ffffffff09000000000000000000000000000000080000007900")
    }
}
