import ACPI
import Foundation
import TestSupport
import Testing

/// A whole SSDT built from nodes, checked by iasl itself: `iasl -d` must disassemble it without
/// an error or a warning, and compiling that disassembly again must give back our bytes.
@Suite("AML end to end")
struct AMLEndToEndTests {
    @Test func ssdtDisassemblesCleanlyAndRecompilesToTheSameBytes() throws {
        let body = SampleSSDT.body
        let scratch = try ScratchDirectory()
        let dir = scratch.url
        _ = try scratch.write("ssdt.aml", SampleSSDT.table(body: body))

        let disassembly = try ACPICA.run("iasl", ["-d", "ssdt.aml"], in: dir)
        #expect(disassembly.status == 0, "\(disassembly.output)")
        let complaints = disassembly.output.split(separator: "\n").filter(ACPICA.isIASLComplaint)
        #expect(complaints.isEmpty, "iasl -d: \(complaints.joined(separator: "\n"))")

        let recompile = try ACPICA.run("iasl", ["-on", "-p", "again", "ssdt.dsl"], in: dir)
        #expect(recompile.status == 0, "\(recompile.output)")
        let again = try [UInt8](Data(contentsOf: dir.appendingPathComponent("again.aml")))
        #expect(hexString(Array(again.dropFirst(36))) == hexString(body))
    }
}

/// The body of a small SSDT in the shape of a q35 host bridge: every kind of node at least once.
enum SampleSSDT {
    static var body: [UInt8] {
        let terms: [any AMLTerm] = [
            AML.Scope("\\_SB", [hostBridge, motherboardResources, linkDevice]),
            AML.Name("\\_S5", AML.Package([0, 0, 0, 0])),
            AML.Scope("\\", [AML.Name("BIG", AML.Package((0..<300).map { AML.Integer(UInt64($0)) }))]),
        ]
        return terms.flatMap(\.aml)
    }

    static var hostBridge: AML.Device {
        AML.Device("PCI0", [
            AML.Name("_HID", AML.EISAID("PNP0A08")),
            AML.Name("_CID", AML.EISAID("PNP0A03")),
            AML.Name("_ADR", 0),
            AML.Name("_UID", 0),
            AML.Name("SUPP", 0),
            AML.Name("CTRL", 0),
            osc,
            AML.Name("_CRS", AML.ResourceTemplate([
                AML.WordBusNumber(min: 0, max: 0xFF),
                AML.IO(min: 0xCF8, max: 0xCF8, alignment: 1, length: 8),
                AML.WordIO(min: 0, max: 0xCF7),
                AML.DWordIO(min: 0xD00, max: 0xFFFF),
                AML.DWordMemory(min: 0xA0000, max: 0xBFFFF),
                AML.DWordMemory(min: 0xC000_0000, max: 0xFEBF_FFFF, cacheable: .nonCacheable),
                AML.QWordMemory(min: 0x2_0000_0000, max: 0x9_FFFF_FFFF),
            ])),
            AML.Name("_PRT", AML.Package((0..<4).map { pin in
                AML.Package([AML.Integer(0x0001_FFFF), AML.Integer(UInt64(pin)), 0, AML.Integer(16 + UInt64(pin))])
            })),
            AML.OperationRegion("PCST", space: .systemIO, offset: 0xAE00, length: 0x08),
            AML.Field("PCST", access: .dword, lock: false, update: .writeAsZeros, [
                .named("PCIU", bits: 32), .reserved(bits: 8), .named("PCID", bits: 24),
            ]),
            AML.Device("RP01", [
                AML.Name("_ADR", 0x0010_0000),
                AML.Method("_STA", args: 0, [AML.Return(0x0F)]),
            ]),
            AML.Method("PCNT", args: 0, serialized: true, [
                AML.If(AML.LAnd(AML.LGreater(AML.Path("PCIU"), 0), AML.LLess(AML.Path("PCID"), 0x100)), [
                    AML.Notify(AML.Path("RP01"), 1),
                ]),
                AML.If(AML.LOr(AML.LNot(AML.Path("PCIU")), AML.LEqual(AML.Path("PCID"), 0xFFFF_FFFF)), [
                    AML.Notify(AML.Path("^^PCI0.RP01"), 3)  // from the method: ^ is PCI0,
                ]),
            ]),
        ])
    }

    /// The _OSC of QEMU's host bridge: grant what is asked, less SHPC hot-plug.
    static var osc: AML.Method {
        let cdw1 = AML.Path("CDW1"), cdw2 = AML.Path("CDW2"), cdw3 = AML.Path("CDW3")
        let ctrl = AML.Path("CTRL")
        return AML.Method("_OSC", args: 4, [
            AML.CreateDWordField(AML.Arg(3), 0, "CDW1"),
            AML.If(AML.LEqual(AML.Arg(0), AML.ToUUID("33db4d5b-1ff7-401c-9657-7441c03dd766")), [
                AML.CreateDWordField(AML.Arg(3), 4, "CDW2"),
                AML.CreateDWordField(AML.Arg(3), 8, "CDW3"),
                AML.Store(cdw2, AML.Path("SUPP")),
                AML.Store(cdw3, ctrl),
                AML.And(ctrl, 0x1D, target: ctrl),
                AML.If(AML.LNot(AML.LEqual(AML.Arg(1), 1)), [AML.Or(cdw1, 0x08, target: cdw1)]),
                AML.If(AML.LNot(AML.LEqual(cdw3, ctrl)), [AML.Or(cdw1, 0x10, target: cdw1)]),
                AML.Store(ctrl, cdw3),
            ]),
            AML.Else([AML.Or(cdw1, 4, target: cdw1)]),
            AML.Return(AML.Arg(3)),
        ])
    }

    static var motherboardResources: AML.Device {
        AML.Device("MRES", [
            AML.Name("_HID", AML.EISAID("PNP0C02")),
            AML.Name("_UID", AML.StringLiteral("ECAM")),
            AML.Name("_CRS", AML.ResourceTemplate([AML.Memory32Fixed(base: 0xB000_0000, length: 0x1000_0000)])),
        ])
    }

    static var linkDevice: AML.Device {
        AML.Device("LNKS", [
            AML.Name("_HID", AML.EISAID("PNP0C0F")),
            AML.Name("_UID", 0),
            AML.Name("_PRS", AML.ResourceTemplate([
                AML.Interrupt(levelTriggered: true, activeLow: false, shared: true, [9]),
            ])),
            AML.Name("_CRS", AML.ResourceTemplate([AML.IRQNoFlags([9])])),
            AML.Method("_SRS", args: 1, []),
        ])
    }

    /// The 36-byte header iasl writes (revision 2, so integers are 64-bit) in front of `body`,
    /// with the checksum that makes all bytes sum to zero.
    static func table(body: [UInt8]) -> [UInt8] {
        var table = Array("SSDT".utf8) + le32(UInt32(36 + body.count)) + [2, 0]
        table += Array("GSTFW ".utf8) + Array("TEST    ".utf8) + le32(1) + Array("GFW ".utf8) + le32(1)
        table += body
        table[9] = 0 &- table.reduce(0, &+)
        return table
    }

    private static func le32(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}

