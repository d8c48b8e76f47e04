/// The parts of a PCIe tree beyond root ports and endpoints (DESIGN.md, "Topology beyond root
/// ports"). Every bus in a description is named by the id of what provides it: a root port, a
/// switch's downstream port, a PCI bridge, or (for root ports) a host bridge.

/// `[[switch]]`: an x3130-upstream port on a root port's or downstream port's bus, with the
/// xio3130-downstream ports on its internal bus.
public struct Switch: Sendable, Hashable {
    public var id: String
    /// The root port or downstream port whose bus holds the upstream port.
    public var bus: String
    public var downstream: [DownstreamPort]

    public init(id: String, bus: String, downstream: [DownstreamPort]) {
        self.id = id
        self.bus = bus
        self.downstream = downstream
    }
}

/// One xio3130-downstream port of a switch: a bridge like a root port, with its own bus,
/// hot-plug and reservation.
public struct DownstreamPort: Sendable, Hashable {
    public var id: String
    /// The device number on the switch's internal bus; given in order from 0 when omitted.
    public var slot: Int?
    public var hotplug: Bool
    public var reserve: Reservation

    public init(id: String, slot: Int? = nil, hotplug: Bool = false, reserve: Reservation = Reservation()) {
        self.id = id
        self.slot = slot
        self.hotplug = hotplug
        self.reserve = reserve
    }
}

public enum PCIBridgeModel: String, Sendable, Hashable, CaseIterable {
    /// QEMU's pcie-pci-bridge: a PCIe-to-PCI bridge, on bus 0 or behind a root/downstream port.
    case pciePCIBridge = "pcie-pci-bridge"
    /// QEMU's pci-bridge: a PCI-to-PCI bridge on a conventional bus.
    case pciBridge = "pci-bridge"
}

/// `[[pci_bridge]]`: a bridge to a conventional PCI bus, whose devices take slots 1-31.
public struct PCIBridge: Sendable, Hashable {
    public var id: String
    public var model: PCIBridgeModel
    /// A root port, downstream port or PCI bridge id; nil = on bus 0.
    public var bus: String?
    public var addr: SlotAddress?

    public init(id: String, model: PCIBridgeModel = .pciePCIBridge, bus: String? = nil, addr: SlotAddress? = nil) {
        self.id = id
        self.model = model
        self.bus = bus
        self.addr = addr
    }
}

/// `[[host_bridge]]`: a pxb-pcie expander on segment 0 with its own bus range from `bus_nr`.
public struct HostBridge: Sendable, Hashable {
    public var id: String
    /// The first bus number of its range (QEMU's pxb-pcie `bus_nr`).
    public var busNumber: Int
    /// Its slot on PCI0's bus 0; assigned when omitted.
    public var addr: SlotAddress?
    public var numaNode: Int?

    public init(id: String, busNumber: Int, addr: SlotAddress? = nil, numaNode: Int? = nil) {
        self.id = id
        self.busNumber = busNumber
        self.addr = addr
        self.numaNode = numaNode
    }
}
