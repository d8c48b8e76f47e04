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

    /// Every slot on the bus (slot 0 always: a port's link, a hot-plug target) and its four pins:
    /// pin P of slot S arrives at the bridge as (S + P) mod 4, then rotates on up.
    static func secondaryBusTable(_ bridge: PlannedFunction, children: [PlannedFunction], uplink: Uplink,
                                  routing: InterruptRouting) -> AML.Package {
        let slots = Set([0] + children.map(\.bdf.device)).sorted()
        return AML.Package(slots.flatMap { slot in
            (0..<4).map { pin in
                entry(slot: slot, pin: pin, gsi: routing.gsi(slot: uplink.rootSlot, pin: (pin + slot + uplink.offset) % 4))
            }
        })
    }

    static func entry(slot: Int, pin: Int, gsi: Int) -> AML.Package {
        AML.Package([AML.Integer(UInt64(slot) << 16 | 0xFFFF), AML.Integer(UInt64(pin)), AML.Integer(0), AML.Integer(UInt64(gsi))])
    }
}
