import Layout
import VMConfig

/// `_PRT` tables in APIC mode: each entry names a slot (address 0xSSSSFFFF), a pin (0 = INTA)
/// and the GSI it reaches directly (source Zero), as the plan's routing rule says (QEMU's ich9
/// PIRQ wiring, or Xen's own mapping).
enum Routing {
    /// Every pin of every bus 0 slot that holds a function: the same rule the planner used.
    static func busZeroTable(_ plan: Plan) -> AML.Package {
        let slots = Set(plan.functions.filter { $0.bdf.bus == 0 }.map(\.bdf.device)).sorted()
        return AML.Package(slots.flatMap { slot in
            (0..<4).map { pin in
                entry(slot: slot, pin: pin, gsi: plan.interruptRouting.gsi(slot: slot, pin: pin))
            }
        })
    }

    /// Behind a root port only device 0 exists (a PCIe link); its pin P arrives at the port as
    /// pin (0 + P) mod 4 of the port's own slot.
    static func secondaryBusTable(_ port: PlannedFunction, routing: InterruptRouting) -> AML.Package {
        AML.Package((0..<4).map { pin in
            let rootPin = Q35Interrupts.swizzle(device: 0, pin: pin)
            return entry(slot: 0, pin: pin, gsi: routing.gsi(slot: port.bdf.device, pin: rootPin))
        })
    }

    static func entry(slot: Int, pin: Int, gsi: Int) -> AML.Package {
        AML.Package([AML.Integer(UInt64(slot) << 16 | 0xFFFF), AML.Integer(UInt64(pin)), AML.Integer(0), AML.Integer(UInt64(gsi))])
    }
}
