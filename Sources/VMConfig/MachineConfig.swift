/// A validated VM description: what the planner takes. Every field has been checked against the
/// rules of `ConfigDecoder`, so the planner never sees a value it has to reject for its form.
public struct MachineConfig: Sendable, Hashable {
    public var name: String
    public var vmm: VMMKind
    public var memory: UInt64
    public var vcpus: Int
    public var physBits: Int
    public var ecam: ECAMConfig
    public var mmio: MMIOConfig
    public var rootPorts: [RootPort]
    public var devices: [Device]
    public var tableIdentity: TableIdentity
    /// `[[switch]]`, `[[pci_bridge]]`, `[[host_bridge]]`: the tree beyond root ports.
    public var switches: [Switch] = []
    public var pciBridges: [PCIBridge] = []
    public var hostBridges: [HostBridge] = []
    /// `[xen]`: the devices libxl adds to every HVM guest (only read when vmm = "xen").
    public var xen: XenConfig = XenConfig()

    public init(name: String, vmm: VMMKind, memory: UInt64, vcpus: Int, physBits: Int = 40,
                ecam: ECAMConfig, mmio: MMIOConfig = MMIOConfig(), rootPorts: [RootPort], devices: [Device],
                tableIdentity: TableIdentity = TableIdentity()) {
        self.tableIdentity = tableIdentity
        self.name = name
        self.vmm = vmm
        self.memory = memory
        self.vcpus = vcpus
        self.physBits = physBits
        self.ecam = ecam
        self.mmio = mmio
        self.rootPorts = rootPorts
        self.devices = devices
    }
}

/// `[acpi]`: the OEM identity in every table header; nil keeps guestfw's stable default.
public struct TableIdentity: Sendable, Hashable {
    public var oemID: String?
    public var oemTableID: String?
    public var oemRevision: UInt32?

    public init(oemID: String? = nil, oemTableID: String? = nil, oemRevision: UInt32? = nil) {
        self.oemID = oemID
        self.oemTableID = oemTableID
        self.oemRevision = oemRevision
    }
}

public enum VMMKind: String, Sendable, Hashable, CaseIterable {
    /// QEMU's own q35 rules: QEMU decides the RAM split and never moves RAM.
    case qemu
    /// libxl + hvmloader rules: the MMIO hole may grow, RAM may move above 4 GiB.
    case xen
}

public enum PlacementPolicy: String, Sendable, Hashable, CaseIterable {
    /// Decided as boot firmware (hvmloader) would, from the devices it finds.
    case hvmloader
    /// Fixed by the toolstack before boot.
    case toolstack
}

public struct ECAMConfig: Sendable, Hashable {
    public var policy: PlacementPolicy
    /// 64, 128 or 256: the Q35 PCIEXBAR lengths.
    public var buses: Int
    /// The window the toolstack fixes; only meaningful with the toolstack policy.
    public var base: UInt64?

    public init(policy: PlacementPolicy = .hvmloader, buses: Int = 256, base: UInt64? = nil) {
        self.policy = policy
        self.buses = buses
        self.base = base
    }

    public var size: UInt64 { UInt64(buses) << 20 }
    public static let acceptedBusCounts = [64, 128, 256]
}

public struct MMIOConfig: Sendable, Hashable {
    /// Size of the 32-bit hole below 4 GiB (xl.cfg's mmio_hole).
    public var hole: UInt64?
    /// Size of the 64-bit window.
    public var window64: UInt64?
    /// xen + hvmloader: may the hole grow into RAM, moving that RAM above 4 GiB?
    public var relocateRAM: Bool

    public init(hole: UInt64? = nil, window64: UInt64? = nil, relocateRAM: Bool = false) {
        self.hole = hole
        self.window64 = window64
        self.relocateRAM = relocateRAM
    }
}

/// A device.function on bus 0 (or on a root port's secondary bus).
public struct SlotAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var device: Int
    public var function: Int

    public init(device: Int, function: Int) {
        self.device = device
        self.function = function
    }

    public var devfn: Int { device << 3 | function }
    public var description: String { hex2(device) + "." + String(function) }
    public static func < (a: SlotAddress, b: SlotAddress) -> Bool { a.devfn < b.devfn }
}

func hex2(_ value: Int) -> String {
    let digits = String(value, radix: 16)
    return digits.count < 2 ? "0" + digits : digits
}

/// Hot-plug reservation of a root port. nil fields take the default (for a hot-pluggable port)
/// or nothing (for a port that is not).
public struct Reservation: Sendable, Hashable {
    /// Bus numbers behind the port, its secondary bus included.
    public var buses: Int?
    public var io: UInt64?
    public var mem: UInt64?
    public var pref64: UInt64?

    public init(buses: Int? = nil, io: UInt64? = nil, mem: UInt64? = nil, pref64: UInt64? = nil) {
        self.buses = buses
        self.io = io
        self.mem = mem
        self.pref64 = pref64
    }

    /// What Linux would otherwise add to a hot-pluggable port itself, reassigning.
    public static let hotplugDefault = Reservation(buses: 1, io: 0x1000, mem: 0x200000, pref64: 0x200000)
}

public struct RootPort: Sendable, Hashable {
    public var id: String
    /// The host bridge (`[[host_bridge]]` id) whose bus holds it; nil = PCI0's bus 0.
    public var bus: String? = nil
    public var addr: SlotAddress?
    public var hotplug: Bool
    public var reserve: Reservation

    public init(id: String, bus: String? = nil, addr: SlotAddress? = nil, hotplug: Bool = false, reserve: Reservation = Reservation()) {
        self.id = id
        self.bus = bus
        self.addr = addr
        self.hotplug = hotplug
        self.reserve = reserve
    }
}

public struct Device: Sendable, Hashable {
    public var id: String
    /// A catalog model, or nil for passthrough with explicit BARs.
    public var model: String?
    /// The root port, switch downstream port or PCI bridge it sits behind; nil = integrated
    /// endpoint on bus 0.
    public var bus: String?
    public var addr: SlotAddress?
    /// Model parameter: the shared-memory size of ivshmem-plain.
    public var size: UInt64?
    /// Host BDF, informational.
    public var passthrough: String?
    /// Explicit BARs (passthrough). For a catalog model these are empty and the model's are used.
    public var bars: [BARSpec]
    /// Explicit expansion ROM size (passthrough).
    public var rom: UInt64?
    /// A host device (`host = ...`): the function as read from sysfs, with `bars` and `rom`
    /// merged in: its ids, class, pin, PCI Express type and BARs. Stands where a catalog model
    /// does (`Device.effectiveBARs`, the planner's model of the function).
    public var hostModel: DeviceModel? = nil
    /// `placement = "identity"`: the host address of each BAR (by index, the ROM as 6) that must
    /// keep it in the guest. Empty for `placement = "virtual"` (the planner chooses). A shadowed
    /// ROM has no host address and is not in here: the planner places it.
    public var identityAddresses: [Int: UInt64] = [:]

    public init(id: String, model: String? = nil, bus: String? = nil, addr: SlotAddress? = nil,
                size: UInt64? = nil, passthrough: String? = nil, bars: [BARSpec] = [], rom: UInt64? = nil) {
        self.id = id
        self.model = model
        self.bus = bus
        self.addr = addr
        self.size = size
        self.passthrough = passthrough
        self.bars = bars
        self.rom = rom
    }

    public var placement: Placement { bus == nil ? .rootBus : .rootPort }

    /// The catalog model as plugged here, for a device that names one.
    public var catalogModel: DeviceModel? {
        model.flatMap { DeviceCatalog.model(named: $0, placement: placement, size: size) }
    }

    /// What the hardware presents: the model's BARs, or the explicit ones with the ROM as bar 6.
    public var effectiveBARs: [BARSpec] {
        if let catalogModel { return catalogModel.bars }
        if let hostModel { return hostModel.bars }
        var all = bars
        if let rom { all.append(BARSpec(index: BARSpec.romIndex, kind: .rom, size: rom)) }
        return all.sorted { $0.index < $1.index }
    }
}
