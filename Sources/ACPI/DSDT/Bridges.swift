import Layout
import VMConfig

/// A bridge at any depth (root port, switch port, PCI bridge): its address, the `_PRT` of its
/// secondary bus, the slot number a hot-pluggable port shows users, and a device per function
/// behind it, bridges among them described the same way.
enum Bridges {
    static func device(_ bridge: PlannedFunction, plan: Plan, uplink: Uplink) -> AML.Device {
        let children = plan.functions.filter { $0.bdf.bus == bridge.secondaryBus && bridge.secondaryBus != nil }
        var terms: [any AMLTerm] = [
            AML.Name("_ADR", pciAddress(device: bridge.bdf.device, function: bridge.bdf.function)),
            AML.Name("_PRT", Routing.secondaryBusTable(bridge, children: children, uplink: uplink, routing: plan.interruptRouting)),
        ]
        if bridge.hotplug, let slot = bridge.slotNumber {
            terms.append(AML.Name("_SUN", AML.Integer(UInt64(slot))))
        }
        terms += children.map { child -> any AMLTerm in
            if child.kind.isBridge { return device(child, plan: plan, uplink: uplink.below(device: child.bdf.device)) }
            return AML.Device(functionName(device: child.bdf.device, function: child.bdf.function), [
                AML.Name("_ADR", pciAddress(device: child.bdf.device, function: child.bdf.function)),
            ])
        }
        return AML.Device(functionName(device: bridge.bdf.device, function: bridge.bdf.function), terms)
    }
}
