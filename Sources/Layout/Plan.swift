import VMConfig

/// The whole decided layout of one VM under one policy. Everything the tables, the firmware
/// image and the reports need is here; none of them decides an address of its own.
public struct Plan: Sendable, Hashable {
    public var name: String
    public var policy: PlacementPolicy
    public var vmm: VMMKind
    public var vcpus: Int
    public var physBits: Int
    public var memory: MemoryMap
    /// nil only when the hvmloader policy found no room for it (then it is in `unassigned`).
    public var ecam: ECAMWindow?
    public var windows: HostWindows
    public var chipset: ChipsetSettings
    public var e820: [E820Entry]
    /// Every PCI function, sorted by bus, device, function.
    public var functions: [PlannedFunction]
    /// What the policy could not place, as hvmloader would leave it.
    public var unassigned: [UnassignedResource]
    /// Where the faithful layout would hurt a guest (hvmloader's own choices, kept and named).
    public var hazards: [Hazard] = []
    /// Every host bridge of segment 0 with what it decodes: PCI0 first (what the others leave),
    /// then each expander.
    public var hostBridges: [PlannedHostBridge] = []
    /// Where a policy knowingly differs from the program it imitates, one sentence each.
    public var departures: [String] = []
    /// How INTx pins reach GSIs: QEMU's ich9 PIRQ wiring, or Xen's own virtual IOAPIC mapping.
    public var interruptRouting: InterruptRouting = .q35
    public var warnings: [String]

    public var isComplete: Bool { unassigned.isEmpty }
}

public struct MemoryMap: Sendable, Hashable {
    /// RAM below 4 GiB ends here (RAM is [0, lowRAMEnd) less the legacy area).
    public var lowRAMEnd: UInt64
    /// RAM at and above 4 GiB, nil when there is none.
    public var highRAM: AddressRange?
    /// RAM the hvmloader policy moved above 4 GiB to grow the hole (xen only).
    public var relocatedRAM: UInt64
    /// The 32-bit MMIO hole: [holeStart, holeLimit).
    public var hole: AddressRange
    /// QEMU's max-ram-below-4g / Xen's mmio_hole_size as the toolstack must set it.
    public var maxRAMBelow4G: UInt64
    /// The RAM at the top of low memory where the ACPI tables live.
    public var acpiTables: AddressRange
    /// Where the firmware image is mapped, ending at 4 GiB.
    public var firmwareROM: AddressRange
    /// The legacy BIOS area 0xE0000-0xFFFFF where the RSDP must lie.
    public var biosArea: AddressRange
    /// Every table's address inside `acpiTables` (and the RSDP's in `biosArea`).
    public var acpi: ACPILayout
}

public struct ECAMWindow: Sendable, Hashable {
    public var base: UInt64
    public var size: UInt64
    public var segment: Int
    public var busStart: Int
    public var busEnd: Int
    public var range: AddressRange { AddressRange(start: base, size: size) }
}

/// The host bridge's windows, as its `_CRS` will describe them.
public struct HostWindows: Sendable, Hashable {
    public var io: AddressRange
    /// The 32-bit PCI window exactly as the host bridge decodes it: the hole less the ECAM, so
    /// one range, or two when the ECAM sits inside (as hvmloader's largest-first order can put it).
    public var mmio32Ranges: [AddressRange]
    public var mmio64: AddressRange?

    /// The largest 32-bit range: what plan.json calls `mmio32`. Never spans the ECAM, so a reader
    /// that knows only this key still claims nothing it must not; `mmio32Ranges` is the whole window.
    public var mmio32: AddressRange {
        mmio32Ranges.max { $0.size < $1.size || ($0.size == $1.size && $0.start > $1.start) }!
    }
}

/// ICH9 settings the firmware programs and the FADT describes.
public struct ChipsetSettings: Sendable, Hashable {
    public var pmBase: UInt16
    public var sciIRQ: Int
    /// PIRQA..H → the GSI each feeds in APIC mode.
    public var pirqGSIs: [Int]
}

public enum E820Type: String, Sendable, Hashable {
    case ram, reserved, acpi, nvs
}

public struct E820Entry: Sendable, Hashable {
    public var range: AddressRange
    public var type: E820Type
    /// Why the entry is there, for reports (not part of the E820 format).
    public var purpose: String
}

public struct BDF: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var bus: Int
    public var device: Int
    public var function: Int

    public init(bus: Int, device: Int, function: Int) {
        self.bus = bus
        self.device = device
        self.function = function
    }

    public var description: String {
        String(format2(bus)) + ":" + format2(device) + "." + String(function)
    }

    public static func < (a: BDF, b: BDF) -> Bool { (a.bus, a.device, a.function) < (b.bus, b.device, b.function) }
}

func format2(_ value: Int) -> String {
    let digits = String(value, radix: 16)
    return digits.count < 2 ? "0" + digits : digits
}

public enum FunctionKind: String, Sendable, Hashable {
    case rootPort = "root-port"
    /// A PCIe switch's upstream port (x3130-upstream) and its downstream ports (xio3130-downstream).
    case switchUpstream = "switch-upstream"
    case switchDownstream = "switch-downstream"
    /// A bridge to a conventional PCI bus (pcie-pci-bridge, pci-bridge).
    case pciBridge = "pci-bridge"
    /// An expander host bridge (pxb-pcie) on bus 0: a type-0 function whose root bus is bus_nr.
    case hostBridge = "host-bridge"
    case endpoint
    /// ICH9 functions QEMU's q35 always has (AHCI, SMBus): planned so Linux reassigns nothing.
    case chipset
}

extension FunctionKind {
    /// Has a secondary bus (an expander's root bus too), bus numbers and windows.
    public var isBridge: Bool { self != .endpoint && self != .chipset }
    /// A PCI-to-PCI bridge: a type-1 header whose bus numbers and windows the firmware programs.
    public var hasBridgeHeader: Bool { isBridge && self != .hostBridge }
    /// Its secondary bus is conventional PCI (slots 1-31, and QEMU's models present themselves
    /// as on a conventional bus there).
    public var opensConventionalBus: Bool { self == .pciBridge }
}

extension Plan {
    /// Where `function` sits, as the device catalog tells placements apart and as the planner
    /// chose its model (`Topology`): on bus 0, on a conventional bus (behind a PCI bridge), or
    /// else behind a PCI Express port.
    public func placement(of function: PlannedFunction) -> Placement {
        guard function.bdf.bus != 0 else { return .rootBus }
        return parent(of: function)?.kind.opensConventionalBus == true ? .conventional : .rootPort
    }

    /// The bridge whose secondary bus holds `function`; nil on bus 0.
    public func parent(of function: PlannedFunction) -> PlannedFunction? {
        guard function.bdf.bus != 0 else { return nil }
        return functions.first { $0.kind.isBridge && $0.secondaryBus == function.bdf.bus }
    }
}

public struct PlannedBAR: Sendable, Hashable {
    public var index: Int
    public var kind: BARKind
    public var prefetchable: Bool
    public var size: UInt64
    /// nil when the policy could not place it.
    public var address: UInt64?
    /// Placed by guestfw where the imitated firmware leaves it to the guest OS (behind a bridge).
    public var isExtension: Bool = false
    /// `placement = "identity"`: at the host's address, decided before any policy ran.
    public var isFixed: Bool = false

    public var range: AddressRange? { address.map { AddressRange(start: $0, size: size) } }
}

public struct BridgeWindows: Sendable, Hashable {
    public var io: AddressRange?
    public var mem: AddressRange?
    /// Always 64-bit capable: only 64-bit prefetchable BARs go here.
    public var pref: AddressRange?
    /// Placed by guestfw where the imitated firmware programs no bridge (hvmloader).
    public var isExtension: Bool = false
    /// The windows ("io", "mem", "pref") placed where the identity BARs they hold put them.
    public var fixed: [String] = []
}

/// A choice of the imitated firmware that would hurt a guest, kept in the plan and named.
public struct Hazard: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Memory BARs of different functions share a 4 KiB page (passthrough maps pages).
        case sharedPage = "shared-page"
        /// An ECAM base that stock QEMU's 256 MiB PCIEXBAR masks cannot decode.
        case ecamMisaligned = "ecam-misaligned"
        /// The ECAM sent above 4 GiB (the series' uninitialised 64-bit flag).
        case ecamAbove4G = "ecam-above-4g"
        /// I/O BARs hvmloader found no room for and left unprogrammed.
        case ioUnprogrammed = "io-unprogrammed"
        /// Guest RAM moved above 4 GiB to grow the hole.
        case ramRelocated = "ram-relocated"
    }

    public var kind: Kind
    public var ids: [String]
    public var detail: String

    public init(kind: Kind, ids: [String], detail: String) {
        self.kind = kind
        self.ids = ids
        self.detail = detail
    }
}

public struct INTxRoute: Sendable, Hashable {
    /// The function's own pin, 1 = INTA.
    public var pin: Int
    /// The bus 0 slot and pin (0 = A) the interrupt arrives as, after the root port swizzle.
    public var rootSlot: Int
    public var rootPin: Int
    /// 0 = PIRQA ... 7 = PIRQH.
    public var pirq: Int
    public var gsi: Int
}

public struct PlannedFunction: Sendable, Hashable {
    public var bdf: BDF
    public var id: String
    public var kind: FunctionKind
    public var model: String?
    public var vendorID: UInt16?
    public var deviceID: UInt16?
    public var classCode: UInt32?
    public var secondaryBus: Int?
    public var subordinateBus: Int?
    public var windows: BridgeWindows?
    public var hotplug: Bool
    /// Physical slot / chassis number of a root port (`_SUN`, QEMU's chassis and slot).
    public var slotNumber: Int?
    public var bars: [PlannedBAR]
    public var interrupt: INTxRoute?
}

public struct UnassignedResource: Sendable, Hashable {
    public var id: String
    /// The BAR index, or nil for a bridge window or the ECAM.
    public var bar: Int?
    /// "io", "mem32", "mem64", "rom", or for windows "io-window", "mem-window", "pref-window", and "ecam".
    public var kind: String
    public var size: UInt64
}

/// One host bridge as the DSDT describes it: its bus range and the address ranges its `_CRS` claims.
public struct PlannedHostBridge: Sendable, Hashable {
    /// "pci0", or the `[[host_bridge]]` id.
    public var id: String
    public var uid: Int
    /// The expander's own function on bus 0; nil for PCI0.
    public var bdf: BDF?
    public var busStart: Int
    public var busEnd: Int
    public var io: [AddressRange]
    public var mmio32: [AddressRange]
    public var mmio64: [AddressRange]

    public init(id: String, uid: Int, bdf: BDF?, busStart: Int, busEnd: Int,
                io: [AddressRange], mmio32: [AddressRange], mmio64: [AddressRange]) {
        (self.id, self.uid, self.bdf, self.busStart, self.busEnd) = (id, uid, bdf, busStart, busEnd)
        (self.io, self.mmio32, self.mmio64) = (io, mmio32, mmio64)
    }
}
