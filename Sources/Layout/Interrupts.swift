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

    /// A function's pin as it reaches bus 0: at `rootSlot`, rotated by `offset` (the sum of
    /// the device numbers on the way up, each bridge's swizzle).
    static func route(pin functionPin: UInt8, rootSlot: Int, offset: Int, routing: InterruptRouting) -> INTxRoute? {
        guard (1...4).contains(functionPin) else { return nil }
        let rootPin = (Int(functionPin) - 1 + offset) % 4
        return INTxRoute(pin: Int(functionPin), rootSlot: rootSlot, rootPin: rootPin,
                         pirq: routing.line(slot: rootSlot, pin: rootPin), gsi: routing.gsi(slot: rootSlot, pin: rootPin))
    }
}

extension VMMKind {
    /// Xen guests' INTx reach Xen's own virtual IOAPIC, not QEMU's ich9 PIRQ lines.
    public var interruptRouting: InterruptRouting { self == .xen ? .xen : .q35 }
}

extension DeviceModel {
    /// QEMU's xen-platform device (5853:0001) or its older id 5853:0002, as hvmloader knows them.
    var isXenPlatform: Bool { vendorID == 0x5853 && (deviceID == 0x0001 || deviceID == 0x0002) }
}

/// How a pin raised on a bus reaches bus 0: the bus 0 slot it arrives at, and how far the
/// bridges above have rotated it (each forwards pin P of device d as (P + d) mod 4). The planner's
/// routes and every bridge's `_PRT` follow the same value.
public struct Uplink: Sendable, Hashable {
    public var rootSlot: Int
    public var offset: Int

    public init(rootSlot: Int, offset: Int) {
        self.rootSlot = rootSlot
        self.offset = offset
    }

    /// The uplink of what sits at `device` on the bus this one serves.
    public func below(device: Int) -> Uplink { Uplink(rootSlot: rootSlot, offset: offset + device) }
}

/// How a pin at the root bus reaches the IOAPIC. The DSDT's `_PRT`, the plan's routes and the
/// firmware's interrupt lines all ask this one value.
public enum InterruptRouting: String, Sendable, Hashable {
    /// QEMU's ich9: bus 0 slot and pin to PIRQA..H, PIRQA..H to GSI 16..23.
    case q35
    /// Xen's virtual IOAPIC (hvm_pci_intx_gsi, libacpi's PRTA): GSI = ((slot*4 + slot/8 + pin) & 31) + 16,
    /// and in PIC mode the "barber's pole" link (slot + pin) & 3 routed to ISA IRQ 5, 10, 11, 5.
    case xen

    /// The interrupt source line (PIRQ 0-7 on q35, link 0-3 on Xen) for a root-bus slot and pin (0 = INTA).
    public func line(slot: Int, pin: Int) -> Int {
        switch self {
        case .q35: Q35Interrupts.pirq(slot: slot, pin: pin)
        case .xen: (slot + pin) & 3
        }
    }

    /// The GSI a root-bus slot's pin reaches in APIC mode.
    public func gsi(slot: Int, pin: Int) -> Int {
        switch self {
        case .q35: Q35Interrupts.firstPIRQGSI + Q35Interrupts.pirq(slot: slot, pin: pin)
        case .xen: ((slot * 4 + slot / 8 + pin) & 31) + 16
        }
    }
}
