import Layout
import VMConfig

/// A root port: its address, the `_PRT` of its secondary bus (the INTx swizzle), the slot number
/// a hot-pluggable port shows users, and a device per function behind it.
enum RootPorts {
    static func device(_ port: PlannedFunction, plan: Plan) -> AML.Device {
        var terms: [any AMLTerm] = [
            AML.Name("_ADR", pciAddress(device: port.bdf.device, function: port.bdf.function)),
            AML.Name("_PRT", Routing.secondaryBusTable(port, routing: plan.interruptRouting)),
        ]
        if port.hotplug, let slot = port.slotNumber {
            terms.append(AML.Name("_SUN", AML.Integer(UInt64(slot))))
        }
        let children = plan.functions.filter { $0.bdf.bus == port.secondaryBus }
        terms += children.map { child in
            AML.Device(functionName(device: child.bdf.device, function: child.bdf.function), [
                AML.Name("_ADR", pciAddress(device: child.bdf.device, function: child.bdf.function)),
            ])
        }
        return AML.Device(functionName(device: port.bdf.device, function: port.bdf.function), terms)
    }
}
