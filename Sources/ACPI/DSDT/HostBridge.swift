import Layout
import VMConfig

/// `\_SB.PCI0`: the PCI Express host bridge, its resources, `_OSC`, the bus 0 `_PRT`, and a
/// device per function it knows (root ports with their children, integrated endpoints, LPC).
enum HostBridge {
    static func device(_ plan: Plan) -> AML.Device {
        let busZero = plan.functions.filter { $0.bdf.bus == 0 }
        let children: [any AMLTerm] = busZero.filter { $0.kind != .hostBridge }.compactMap { function in
            function.kind.isBridge
                ? Bridges.device(function, plan: plan, uplink: Uplink(rootSlot: function.bdf.device, offset: 0))
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

    /// PCI0 as the plan divides the host windows: all of them without expanders.
    static func pci0(_ plan: Plan) -> PlannedHostBridge {
        plan.hostBridges.first { $0.bdf == nil } ?? PlannedHostBridge(
            id: "pci0", uid: 0, bdf: nil, busStart: plan.ecam?.busStart ?? 0, busEnd: plan.ecam?.busEnd ?? 0,
            io: [plan.windows.io], mmio32: plan.windows.mmio32Ranges, mmio64: plan.windows.mmio64.map { [$0] } ?? [])
    }

    /// What PCI0 decodes: its bus range, the config ports, legacy and PCI I/O, the VGA window,
    /// the 32-bit window less the ECAM and the expanders' ranges, and the 64-bit window less theirs.
    static func resources(_ plan: Plan) -> AML.ResourceTemplate {
        let host = pci0(plan)
        let io = plan.windows.io
        var descriptors: [any AMLResource] = [
            AML.WordBusNumber(min: UInt16(host.busStart), max: UInt16(host.busEnd)),
            AML.IO(min: 0x0CF8, max: 0x0CF8, alignment: 1, length: 8),
            // Legacy ISA ports below the PCI I/O window, less the config ports above.
            AML.WordIO(min: 0x0000, max: 0x0CF7),
            AML.WordIO(min: 0x0D00, max: UInt16(io.start - 1)),
        ]
        descriptors += host.io.map { AML.WordIO(min: UInt16($0.start), max: UInt16($0.end)) }
        descriptors.append(AML.DWordMemory(min: 0x000A_0000, max: 0x000B_FFFF))
        descriptors += windowDescriptors(host)
        return AML.ResourceTemplate(descriptors)
    }

    static func windowDescriptors(_ host: PlannedHostBridge) -> [any AMLResource] {
        host.mmio32.map { AML.DWordMemory(min: UInt32($0.start), max: UInt32($0.end)) as any AMLResource }
            + host.mmio64.map { AML.QWordMemory(min: $0.start, max: $0.end) as any AMLResource }
    }

    /// An expander (pxb-pcie) as QEMU's own DSDT names it, PCxx after its bus_nr: `_UID` and
    /// `_BBN` its bus_nr, its own `_CRS` (bus range and the windows its root ports were placed
    /// in), `_OSC`, and the `_PRT` of its root bus, whose pins reach PCI0 through the
    /// expander's own slot on bus 0, rotated by the root port's slot.
    static func expander(_ host: PlannedHostBridge, plan: Plan) -> AML.Device? {
        guard let bdf = host.bdf, let function = plan.functions.first(where: { $0.bdf == bdf }) else { return nil }
        let resources = AML.ResourceTemplate([AML.WordBusNumber(min: UInt16(host.busStart), max: UInt16(host.busEnd))]
            + host.io.map { AML.WordIO(min: UInt16($0.start), max: UInt16($0.end)) as any AMLResource }
            + windowDescriptors(host))
        let ports = plan.functions.filter { $0.bdf.bus == host.busStart && $0.kind.isBridge }
        let uplink = Uplink(rootSlot: bdf.device, offset: 0)
        let name = "PC" + String(String(host.busStart, radix: 16, uppercase: true).suffix(2)).leftPadded(to: 2)
        return AML.Device(name, [
            AML.Name("_HID", AML.EISAID("PNP0A08")),
            AML.Name("_CID", AML.EISAID("PNP0A03")),
            AML.Name("_UID", AML.Integer(UInt64(host.uid))),
            AML.Name("_SEG", AML.Integer(UInt64(plan.ecam?.segment ?? 0))),
            AML.Name("_BBN", AML.Integer(UInt64(host.busStart))),
            AML.Name("_CRS", resources),
            OSC.method(plan),
            AML.Name("_PRT", Routing.secondaryBusTable(function, children: ports, uplink: uplink, routing: plan.interruptRouting)),
        ] + ports.map { Bridges.device($0, plan: plan, uplink: uplink.below(device: $0.bdf.device)) })
    }

    static func endpointDevice(_ function: PlannedFunction) -> AML.Device? {
        // The LPC bridge (1f.0) is described by LPC.device; other functions only need an address.
        AML.Device(functionName(device: function.bdf.device, function: function.bdf.function), [
            AML.Name("_ADR", pciAddress(device: function.bdf.device, function: function.bdf.function)),
        ])
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
