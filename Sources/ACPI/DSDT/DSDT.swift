import Layout
import VMConfig

/// The Differentiated System Description Table's contents, every value from the Plan: the host
/// bridge and what sits on its buses, the LPC devices, the motherboard reservations, the
/// processors and the sleep states. Revision 2 (64-bit integers): the 64-bit window lives in a
/// static resource template, which would survive revision 1 as bytes, but any integer a method
/// computes from it would be truncated to 32 bits in a revision 1 table.
public enum DSDT {
    public static let revision: UInt8 = 2

    public static func body(_ plan: Plan) -> [UInt8] {
        terms(plan).flatMap(\.aml)
    }

    static func terms(_ plan: Plan) -> [any AMLTerm] {
        [
            AML.Name("PICM", AML.Integer(0)),
            // The OS says which interrupt model it uses; our _PRTs describe APIC mode (GSI 16-23),
            // the only one a Q35 guest with an IOAPIC and an MADT runs in.
            AML.Method("_PIC", args: 1, [AML.Store(AML.Arg(0), AML.Path("PICM"))]),
            // At the root iasl writes `\\_SB` as the shorter `_SB`; writing it the same way keeps a
            // recompiled disassembly byte-identical to ours.
            AML.Scope("_SB", [HostBridge.device(plan)] + plan.hostBridges.compactMap { HostBridge.expander($0, plan: plan) }
                      + [Motherboard.resources(plan)] + Processors.devices(plan)),
            SleepStates.s5,
        ]
    }
}

/// `_ADR` of a PCI function: device in the high word, function in the low word.
func pciAddress(device: Int, function: Int) -> AML.Integer {
    AML.Integer(UInt64(device) << 16 | UInt64(function))
}

/// A 4-character ACPI name for a function: "S" and its devfn in hex, as QEMU names them.
func functionName(device: Int, function: Int) -> String {
    let devfn = device << 3 | function
    let digits = String(devfn, radix: 16, uppercase: true)
    return "S" + (digits.count < 2 ? "0" + digits : digits)
}
