import Layout
import VMConfig

/// The host bridge `_OSC` (PCI Firmware spec 4.5): for the PCI host bridge UUID, grant the OS
/// what this VM supports of native hot-plug (bit 0), PME (2), AER (3) and PCIe capability control
/// (4), report a masked capability (bit 4 of the status) and an unknown revision (bit 3); for any
/// other UUID, answer "unrecognized UUID" (bit 2).
enum OSC {
    static let pciHostBridgeUUID = "33DB4D5B-1FF7-401C-9657-7441C03DD766"
    static let nativeHotplug: UInt64 = 1 << 0, pme: UInt64 = 1 << 2, aer: UInt64 = 1 << 3, pcieCapability: UInt64 = 1 << 4

    static func grantedControls(_ plan: Plan) -> UInt64 {
        let anyHotplug = plan.functions.contains { $0.kind.isBridge && $0.hotplug }
        return (anyHotplug ? nativeHotplug : 0) | pme | aer | pcieCapability
    }

    static func method(_ plan: Plan) -> AML.Method {
        let cdw1 = AML.Path("CDW1"), cdw3 = AML.Path("CDW3"), granted = AML.Local(0)
        return AML.Method("_OSC", args: 4, [
            AML.CreateDWordField(AML.Arg(3), AML.Integer(0), "CDW1"),
            AML.If(AML.LEqual(AML.Arg(0), AML.ToUUID(pciHostBridgeUUID)), [
                AML.CreateDWordField(AML.Arg(3), AML.Integer(8), "CDW3"),
                AML.And(cdw3, AML.Integer(grantedControls(plan)), target: granted),
                AML.If(AML.LNot(AML.LEqual(AML.Arg(1), AML.Integer(1))), [
                    AML.Or(cdw1, AML.Integer(0x08), target: cdw1),
                ]),
                AML.If(AML.LNot(AML.LEqual(cdw3, granted)), [
                    AML.Or(cdw1, AML.Integer(0x10), target: cdw1),
                ]),
                AML.Store(granted, cdw3),
                AML.Return(AML.Arg(3)),
            ]),
            AML.Else([
                AML.Or(cdw1, AML.Integer(0x04), target: cdw1),
                AML.Return(AML.Arg(3)),
            ]),
        ])
    }
}
