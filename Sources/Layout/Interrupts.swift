import VMConfig

/// Legacy INTx routing on QEMU's q35: a bus 0 slot's pins feed PIRQ lines through the ICH9
/// routing QEMU hard-wires, and PIRQA..H feed IOAPIC inputs 16..23 in APIC mode.
public enum Q35Interrupts {
    public static let firstPIRQGSI = 16
    public static let pirqCount = 8

    /// The PIRQ (0 = A ... 7 = H) that bus 0 slot `slot` raises for pin `pin` (0 = INTA).
    /// Slots up to 0x18 and 0x1e use PIRQE..H rotated by slot; 0x19-0x1d and 0x1f use PIRQA..D
    /// (QEMU's ich9 defaults, as its own _PRT lists them).
    public static func pirq(slot: Int, pin: Int) -> Int {
        switch slot {
        case 0x19...0x1d, 0x1f: pin
        case 0x1e: 4 + pin
        default: 4 + (slot + pin) % 4
        }
    }

    /// Below a root port the pin is swizzled by the device number, as PCI bridges do.
    public static func swizzle(device: Int, pin: Int) -> Int { (device + pin) % 4 }

    static func route(pin functionPin: UInt8, bdf: BDF, behindPortAt portSlot: Int?) -> INTxRoute? {
        guard (1...4).contains(functionPin) else { return nil }
        let pin = Int(functionPin) - 1
        let rootSlot = portSlot ?? bdf.device
        let rootPin = portSlot == nil ? pin : swizzle(device: bdf.device, pin: pin)
        let pirq = pirq(slot: rootSlot, pin: rootPin)
        return INTxRoute(pin: Int(functionPin), rootSlot: rootSlot, rootPin: rootPin, pirq: pirq, gsi: firstPIRQGSI + pirq)
    }
}
