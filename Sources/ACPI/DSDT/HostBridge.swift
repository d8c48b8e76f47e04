import Layout
import VMConfig

/// `\_SB.PCI0`: the PCI Express host bridge, its resources, `_OSC`, the bus 0 `_PRT`, and a
/// device per function it knows (root ports with their children, integrated endpoints, LPC).
enum HostBridge {
    static func device(_ plan: Plan) -> AML.Device {
        let busZero = plan.functions.filter { $0.bdf.bus == 0 }
        let children: [any AMLTerm] = busZero.compactMap { function in
            function.kind.isBridge
                ? Bridges.device(function, plan: plan, uplink: Routing.Uplink(rootSlot: function.bdf.device, offset: 0))
                : endpointDevice(function)
        }
        return AML.Device("PCI0", [
            AML.Name("_HID", AML.EISAID("PNP0A08")),
            AML.Name("_CID", AML.EISAID("PNP0A03")),
            // No _ADR: a device has a _HID or an _ADR, not both (iasl warns on QEMU's DSDT for it).
            AML.Name("_UID", AML.Integer(0)),
            AML.Name("_SEG", AML.Integer(UInt64(plan.ecam?.segment ?? 0))),
            AML.Name("_BBN", AML.Integer(UInt64(plan.ecam?.busStart ?? 0))),
            AML.Name("_CRS", resources(plan)),
            OSC.method(plan),
            AML.Name("_PRT", Routing.busZeroTable(plan)),
            LPC.device(plan),
        ] + children)
    }

    /// What the host bridge decodes: its bus range, the config ports, legacy and PCI I/O, the VGA
    /// window, the 32-bit window less the ECAM, and the 64-bit window.
    static func resources(_ plan: Plan) -> AML.ResourceTemplate {
        let busEnd = plan.ecam?.busEnd ?? 0
        let io = plan.windows.io
        var descriptors: [any AMLResource] = [
            AML.WordBusNumber(min: UInt16(plan.ecam?.busStart ?? 0), max: UInt16(busEnd)),
            AML.IO(min: 0x0CF8, max: 0x0CF8, alignment: 1, length: 8),
            // Legacy ISA ports below the PCI I/O window, less the config ports above.
            AML.WordIO(min: 0x0000, max: 0x0CF7),
            AML.WordIO(min: 0x0D00, max: UInt16(io.start - 1)),
            AML.WordIO(min: UInt16(io.start), max: UInt16(io.end)),
            AML.DWordMemory(min: 0x000A_0000, max: 0x000B_FFFF),
        ]
        descriptors += plan.windows.mmio32Ranges.map {
            AML.DWordMemory(min: UInt32($0.start), max: UInt32($0.end))
        }
        if let window = plan.windows.mmio64 {
            descriptors.append(AML.QWordMemory(min: window.start, max: window.end))
        }
        return AML.ResourceTemplate(descriptors)
    }

    static func endpointDevice(_ function: PlannedFunction) -> AML.Device? {
        // The LPC bridge (1f.0) is described by LPC.device; other functions only need an address.
        AML.Device(functionName(device: function.bdf.device, function: function.bdf.function), [
            AML.Name("_ADR", pciAddress(device: function.bdf.device, function: function.bdf.function)),
        ])
    }
}
