/// The QEMU 7.2 device models guestfw knows, as QEMU presents them to firmware. Every value here is
/// held to data captured from QEMU itself (`scripts/capture-catalog.sh`, checked by
/// `DeviceCatalogTests`).
public struct DeviceModel: Sendable, Hashable {
    public var name: String
    public var vendorID: UInt16
    public var deviceID: UInt16
    public var classCode: UInt32
    /// 1 = INTA ... 4 = INTD; 0 = no legacy interrupt.
    public var interruptPin: UInt8
    /// The implemented BARs. An expansion ROM (index 6) is never prefetchable (its register has no
    /// such bit); its size is that of QEMU's default ROM image (Debian's ipxe-qemu, seabios)
    /// rounded up to a power of two.
    public var bars: [BARSpec]
    /// Config byte 0x0e without the multi-function bit: 0 for an endpoint (and for pxb-pcie's own
    /// function, a host bridge), 1 for a PCI-to-PCI bridge (root and switch ports, pcie-pci-bridge,
    /// pci-bridge).
    public var headerType: UInt8
    /// The device/port type in the function's PCI Express capability; nil when it has none (a
    /// conventional PCI function, which is what QEMU makes of some models on some buses).
    public var pcieType: PCIeType?
    /// For a bridge (header type 1): which optional windows it implements. nil for header type 0.
    public var bridgeWindows: BridgeWindows?
    /// Config byte 0x08; nil where guestfw holds no capture of it (the ICH9 functions, xen-platform).
    public var revision: UInt8?
    /// Config bytes 0x2c-0x2f of a header type 0 function; nil for bridges (whose 0x2c is a
    /// window register) and where guestfw holds no capture of it.
    public var subsystem: PCISubsystem?

    public init(name: String, vendorID: UInt16, deviceID: UInt16, classCode: UInt32,
                interruptPin: UInt8, bars: [BARSpec], headerType: UInt8 = 0, pcieType: PCIeType? = nil,
                bridgeWindows: BridgeWindows? = nil, revision: UInt8? = nil, subsystem: PCISubsystem? = nil) {
        self.name = name
        self.vendorID = vendorID
        self.deviceID = deviceID
        self.classCode = classCode
        self.interruptPin = interruptPin
        self.bars = bars
        self.headerType = headerType
        self.pcieType = pcieType
        self.bridgeWindows = bridgeWindows
        self.revision = revision
        self.subsystem = subsystem
    }

    public var isBridge: Bool { headerType == 1 }
}

/// A function's subsystem vendor and subsystem id (config 0x2c, 0x2e): which board or variant of
/// the chip it is, what drivers match after vendor and device.
public struct PCISubsystem: Sendable, Hashable, CustomStringConvertible {
    public var vendorID: UInt16
    public var id: UInt16

    public init(vendorID: UInt16, id: UInt16) {
        self.vendorID = vendorID
        self.id = id
    }

    /// What QEMU gives a function whose model sets none (hw/pci/pci.c's
    /// pci_set_default_subsystem_id: Red Hat/Qumranet's 0x1af4, PCI_SUBDEVICE_ID_QEMU 0x1100).
    public static let qemu = PCISubsystem(vendorID: 0x1af4, id: 0x1100)

    public var description: String { hex(UInt64(vendorID), digits: 4) + ":" + hex(UInt64(id), digits: 4) }
}

/// The device/port type field of the PCI Express capability (Capabilities register bits 7:4), in
/// the capture fixtures' spelling.
public enum PCIeType: String, Sendable, Hashable, CaseIterable {
    case endpoint                                   // 0
    case legacyEndpoint = "legacy-endpoint"         // 1
    case rootPort = "root-port"                     // 4
    case upstreamPort = "upstream-port"             // 5
    case downstreamPort = "downstream-port"         // 6
    case pcieToPCIBridge = "pcie-to-pci-bridge"     // 7
    case pciToPCIeBridge = "pci-to-pcie-bridge"     // 8
    case integratedEndpoint = "integrated-endpoint" // 9, root complex integrated endpoint
    case eventCollector = "event-collector"         // 10
}

/// The optional windows of a PCI-to-PCI bridge (the non-prefetchable memory window always exists),
/// as firmware and Linux's `pci_bridge_check_ranges` find them: a base/limit register that reads
/// back zero after writing ones is not implemented; its low nibble gives the width.
public struct BridgeWindows: Sendable, Hashable {
    /// The I/O window (base/limit at 0x1c) is implemented.
    public var io: Bool
    /// The I/O window decodes 32-bit addresses (upper 16 bits at 0x30).
    public var io32: Bool
    /// The prefetchable memory window (0x24) is implemented.
    public var prefetchable: Bool
    /// The prefetchable window is 64-bit (upper halves at 0x28 and 0x2c).
    public var prefetchable64: Bool

    public init(io: Bool, io32: Bool, prefetchable: Bool, prefetchable64: Bool) {
        self.io = io
        self.io32 = io32
        self.prefetchable = prefetchable
        self.prefetchable64 = prefetchable64
    }
}

/// Where a device is plugged changes what QEMU shows: a virtio device on the root bus stays
/// transitional (legacy I/O BAR, legacy device id), behind a PCIe port it is modern-only; on a
/// conventional PCI bus (behind a pcie-pci-bridge or pci-bridge) it is transitional again. Behind
/// a switch's downstream port or a pxb-pcie's root port a device is as behind a root port
/// (`rootPort`; the capture checks both).
public enum Placement: String, Sendable, Hashable, CaseIterable {
    case rootBus = "root-bus"
    case rootPort = "root-port"
    /// On a conventional PCI bus behind a PCI bridge.
    case conventional = "conventional-bus"
}

public enum DeviceCatalog {
    public static let rootPortModel = "pcie-root-port"

    public static let switchUpstreamModel = "x3130-upstream"
    public static let switchDownstreamModel = "xio3130-downstream"
    public static let pciePCIBridgeModel = "pcie-pci-bridge"
    public static let pciBridgeModel = "pci-bridge"
    public static let pxbPCIeModel = "pxb-pcie"

    /// The endpoint models a `[[device]]` may name.
    public static let endpointModels: [String] = [
        "virtio-net-pci", "virtio-blk-pci", "virtio-scsi-pci", "e1000e", "nvme", "qemu-xhci",
        "ivshmem-plain", "VGA", "bochs-display", "cirrus-vga", "e1000", "rtl8139", "ich9-intel-hda",
    ]

    /// Models that are PCI Express only in QEMU 7.2: their QOM type implements
    /// INTERFACE_PCIE_DEVICE ("pci-express-device") and not INTERFACE_CONVENTIONAL_PCI_DEVICE
    /// ("conventional-pci-device"), as `qom-list-types implements=...` answers (captured in
    /// Fixtures/qemu-7.2/interfaces.txt). QEMU always gives them a PCI Express capability. QEMU
    /// 7.2 does *not* refuse them on a conventional bus (`-device e1000e,bus=<pcie-pci-bridge>`
    /// starts, the capture boots it there): such a function then claims to be a PCIe endpoint on
    /// a conventional bus, which no real machine has, so a description should not ask for it.
    public static func isPCIeOnly(_ model: String) -> Bool { pcieOnlyModels.contains(model) }

    /// Models that are conventional PCI only in QEMU 7.2: "conventional-pci-device" without
    /// "pci-express-device". They never have a PCI Express capability. QEMU 7.2 accepts them on
    /// every bus (pcie.0, behind a root port or downstream port, on a conventional bus): on pcie.0
    /// and behind a port they are conventional functions on a PCIe bus, as a PCIe-to-PCI bridge
    /// would present them. (pxb-pcie is conventional by its interfaces but QEMU accepts it on
    /// pcie.0 only.)
    public static func isConventionalOnly(_ model: String) -> Bool { conventionalOnlyModels.contains(model) }

    /// Of the catalog's models (endpoints and bridges); the others in it (virtio, qemu-xhci,
    /// bochs-display) implement both interfaces and choose at realize time (see `pcieType`).
    static let pcieOnlyModels: Set<String> = [
        "e1000e", "nvme", rootPortModel, switchUpstreamModel, switchDownstreamModel, pciePCIBridgeModel,
    ]
    static let conventionalOnlyModels: Set<String> = [
        "e1000", "rtl8139", "ich9-intel-hda", "VGA", "cirrus-vga", "ivshmem-plain", pciBridgeModel, pxbPCIeModel,
    ]

    /// The bridge models, by name: `rootPort` and the models of step 5's topology.
    public static let bridgeModels: [String: DeviceModel] = [
        rootPortModel: rootPort, switchUpstreamModel: switchUpstream, switchDownstreamModel: switchDownstream,
        pciePCIBridgeModel: pciePCIBridge, pciBridgeModel: pciBridge, pxbPCIeModel: pxbPCIe,
    ]

    /// Models that take a `size` parameter (the size of their shared-memory BAR).
    public static let sizedModels: Set<String> = ["ivshmem-plain"]

    /// Display models whose `size` parameter is QEMU's `vgamem_mb` (in bytes here), with QEMU's
    /// default when it is not given. libxl sets it for a Xen guest's VGA (`XenGuest`).
    public static let videoMemoryModels: [String: UInt64] = ["VGA": 16 << 20, "cirrus-vga": 4 << 20]

    /// QEMU's Xen platform device: never a `[[device]]` model (libxl adds it, see `XenGuest`),
    /// and held to QEMU's source rather than a capture (QEMU without Xen cannot create it).
    public static let xenPlatformModel = "xen-platform"

    public static let rootPort = DeviceModel(
        name: rootPortModel, vendorID: 0x1b36, deviceID: 0x000c, classCode: 0x060400,
        interruptPin: 1,
        bars: [BARSpec(index: 0, kind: .mem32, size: 0x1000)],
        headerType: 1, pcieType: .rootPort,
        bridgeWindows: BridgeWindows(io: true, io32: false, prefetchable: true, prefetchable64: true), revision: 0)

    /// A PCIe switch's upstream port (TI XIO3130). Behind a root port or another switch's
    /// downstream port; its secondary bus holds the downstream ports. No BARs, no interrupt pin.
    public static let switchUpstream = DeviceModel(
        name: switchUpstreamModel, vendorID: 0x104c, deviceID: 0x8232, classCode: 0x060400,
        interruptPin: 0, bars: [],
        headerType: 1, pcieType: .upstreamPort,
        bridgeWindows: BridgeWindows(io: true, io32: false, prefetchable: true, prefetchable64: true), revision: 2)

    /// A PCIe switch's downstream port (TI XIO3130), on the upstream port's bus. No BARs (unlike
    /// pcie-root-port), no interrupt pin.
    public static let switchDownstream = DeviceModel(
        name: switchDownstreamModel, vendorID: 0x104c, deviceID: 0x8233, classCode: 0x060400,
        interruptPin: 0, bars: [],
        headerType: 1, pcieType: .downstreamPort,
        bridgeWindows: BridgeWindows(io: true, io32: false, prefetchable: true, prefetchable64: true), revision: 1)

    /// QEMU's PCIe-to-PCI bridge: its secondary bus is conventional PCI (slots 1-31 usable: SHPC
    /// takes slot 0). BAR0 holds the SHPC registers. The same on pcie.0 as behind a root port.
    public static let pciePCIBridge = DeviceModel(
        name: pciePCIBridgeModel, vendorID: 0x1b36, deviceID: 0x000e, classCode: 0x060400,
        interruptPin: 1, bars: [BARSpec(index: 0, kind: .mem64, size: 0x100)],
        headerType: 1, pcieType: .pcieToPCIBridge,
        bridgeWindows: BridgeWindows(io: true, io32: false, prefetchable: true, prefetchable64: true), revision: 0)

    /// QEMU's conventional PCI-to-PCI bridge (behind a pcie-pci-bridge or another pci-bridge).
    /// BAR0 holds the SHPC registers (shpc=on, QEMU's default).
    public static let pciBridge = DeviceModel(
        name: pciBridgeModel, vendorID: 0x1b36, deviceID: 0x0001, classCode: 0x060400,
        interruptPin: 1, bars: [BARSpec(index: 0, kind: .mem64, size: 0x100)],
        headerType: 1, pcieType: nil,
        bridgeWindows: BridgeWindows(io: true, io32: false, prefetchable: true, prefetchable64: true), revision: 0)

    /// The expander host bridge's own function on bus 0 (class 0x0600 host bridge, header type 0,
    /// no BARs, no capabilities). The bus it opens (bus_nr) is a root bus of its own, described
    /// to the guest by ACPI, not by this function's config space.
    public static let pxbPCIe = DeviceModel(
        name: pxbPCIeModel, vendorID: 0x1b36, deviceID: 0x000b, classCode: 0x060000,
        interruptPin: 0, bars: [], headerType: 0, pcieType: nil, bridgeWindows: nil, revision: 0, subsystem: .qemu)

    /// The model as QEMU presents it at `placement`, or nil for a name outside the catalog.
    /// `size` is the model parameter of sized models and the video memory of `videoMemoryModels`
    /// (ignored by the others). On a conventional bus virtio models are transitional as on the
    /// root bus, and every model has the BARs it has elsewhere; only the PCI Express capability
    /// differs (`pcieType`). Bridges are in `bridgeModels`, not here.
    public static func model(named name: String, placement: Placement, size: UInt64? = nil) -> DeviceModel? {
        guard var model = baseModel(named: name, placement: placement, size: size) else { return nil }
        model.pcieType = pcieType(of: name, placement: placement)
        return model
    }

    /// QEMU 7.2's choice of PCI Express capability, per model and placement (as captured):
    /// - PCIe-only models (`isPCIeOnly`) always have one (pcie_endpoint_cap_init: an integrated
    ///   endpoint on a root bus, an endpoint elsewhere, even on a conventional bus);
    /// - qemu-xhci and bochs-display add one when their bus is PCI Express (pcie.0 included);
    /// - virtio devices only behind a PCIe port (virtio_pci_realize: an express bus that is not a
    ///   root bus), which also makes them modern-only there;
    /// - conventional-only models never.
    static func pcieType(of name: String, placement: Placement) -> PCIeType? {
        let endpoint: PCIeType = placement == .rootBus ? .integratedEndpoint : .endpoint
        switch name {
        case _ where isPCIeOnly(name): return endpoint
        case "qemu-xhci", "bochs-display": return placement == .conventional ? nil : endpoint
        case "virtio-net-pci", "virtio-blk-pci", "virtio-scsi-pci": return placement == .rootPort ? .endpoint : nil
        default: return nil
        }
    }

    private static func baseModel(named name: String, placement: Placement, size: UInt64?) -> DeviceModel? {
        let modern = placement == .rootPort
        switch name {
        case "virtio-net-pci":
            return virtio(name, legacyID: 0x1000, modernID: 0x1041, classCode: 0x020000,
                          legacyIOSize: 0x20, rom: 0x40000, modern: modern, virtioType: 1)
        case "virtio-blk-pci":
            return virtio(name, legacyID: 0x1001, modernID: 0x1042, classCode: 0x010000,
                          legacyIOSize: 0x80, rom: nil, modern: modern, virtioType: 2)
        case "virtio-scsi-pci":
            return virtio(name, legacyID: 0x1004, modernID: 0x1048, classCode: 0x010000,
                          legacyIOSize: 0x40, rom: nil, modern: modern, virtioType: 8)
        case "e1000e":
            return DeviceModel(
                name: name, vendorID: 0x8086, deviceID: 0x10d3, classCode: 0x020000, interruptPin: 1,
                bars: [
                    BARSpec(index: 0, kind: .mem32, size: 0x20000),
                    BARSpec(index: 1, kind: .mem32, size: 0x20000),
                    BARSpec(index: 2, kind: .io, size: 0x20),
                    BARSpec(index: 3, kind: .mem32, size: 0x4000),
                    // efi-e1000e.rom (249856 bytes in Debian's ipxe-qemu) -> 256 KiB ROM BAR.
                    BARSpec(index: 6, kind: .rom, size: 0x40000),
                ],
                // e1000e sets its own subsystem: its subsys_ven and subsys properties, default 0x8086 and 0.
                revision: 0, subsystem: PCISubsystem(vendorID: 0x8086, id: 0))
        case "nvme":
            return DeviceModel(
                name: name, vendorID: 0x1b36, deviceID: 0x0010, classCode: 0x010802, interruptPin: 1,
                bars: [BARSpec(index: 0, kind: .mem64, size: 0x4000)], revision: 2, subsystem: .qemu)
        case "qemu-xhci":
            return DeviceModel(
                name: name, vendorID: 0x1b36, deviceID: 0x000d, classCode: 0x0c0330, interruptPin: 1,
                bars: [BARSpec(index: 0, kind: .mem64, size: 0x4000)], revision: 1, subsystem: .qemu)
        case "ivshmem-plain":
            return DeviceModel(
                name: name, vendorID: 0x1af4, deviceID: 0x1110, classCode: 0x050000, interruptPin: 0,
                bars: [
                    BARSpec(index: 0, kind: .mem32, size: 0x100),
                    BARSpec(index: 2, kind: .mem64, size: size ?? 0x400000, prefetchable: true),
                ], revision: 1, subsystem: .qemu)
        case "VGA":
            // BAR0 is the video memory: vgamem_mb clamped to 1...512 and rounded up to a power of
            // two (QEMU 7.2's vga_common_init; captured with 16M and 24M). BAR2 is the 4 KiB mmio
            // BAR of QEMU's default mmio=on.
            let vgamem = min(max(size ?? videoMemoryModels[name]!, 1 << 20), 512 << 20)
            return DeviceModel(
                name: name, vendorID: 0x1234, deviceID: 0x1111, classCode: 0x030000, interruptPin: 0,
                bars: [
                    BARSpec(index: 0, kind: .mem32, size: vgamem.roundedUpToPowerOfTwo, prefetchable: true),
                    BARSpec(index: 2, kind: .mem32, size: 0x1000),
                    // vgabios-stdvga.bin (39936 bytes in Debian's seabios 1.16.2) -> 64 KiB ROM BAR.
                    BARSpec(index: 6, kind: .rom, size: 0x10000),
                ], revision: 2, subsystem: .qemu)
        case "cirrus-vga":
            // BAR0 is 32 MiB whatever vgamem_mb (4, 8 or 16) says; BAR1 the 4 KiB mmio registers.
            return DeviceModel(
                name: name, vendorID: 0x1013, deviceID: 0x00b8, classCode: 0x030000, interruptPin: 0,
                bars: [
                    BARSpec(index: 0, kind: .mem32, size: 0x2000000, prefetchable: true),
                    BARSpec(index: 1, kind: .mem32, size: 0x1000),
                    // vgabios-cirrus.bin (Debian's seabios 1.16.2) -> 64 KiB ROM BAR.
                    BARSpec(index: 6, kind: .rom, size: 0x10000),
                ], revision: 0, subsystem: .qemu)
        case xenPlatformModel:
            // hw/i386/xen/xen_platform.c (QEMU 7.2): xen_platform_class_init sets vendor
            // PCI_VENDOR_ID_XEN (0x5853), device PCI_DEVICE_ID_XEN_PLATFORM (0x0001), class_id
            // PCI_CLASS_OTHERS << 8 | 0x80 with prog-if 0 (xen_platform_realize); realize sets
            // PCI_INTERRUPT_PIN 1, BAR0 PCI_BASE_ADDRESS_SPACE_IO over the 0x100-byte "xen-pci"
            // region, BAR1 PCI_BASE_ADDRESS_MEM_PREFETCH (32-bit: no MEM_TYPE_64) over the
            // 0x1000000-byte "xen-mmio" region; no romfile, so no ROM BAR.
            return DeviceModel(
                name: name, vendorID: 0x5853, deviceID: 0x0001, classCode: 0xff8000, interruptPin: 1,
                bars: [
                    BARSpec(index: 0, kind: .io, size: 0x100),
                    BARSpec(index: 1, kind: .mem32, size: 0x1000000, prefetchable: true),
                ])
        case "e1000":
            return DeviceModel(
                name: name, vendorID: 0x8086, deviceID: 0x100e, classCode: 0x020000, interruptPin: 1,
                bars: [
                    BARSpec(index: 0, kind: .mem32, size: 0x20000),
                    BARSpec(index: 1, kind: .io, size: 0x40),
                    BARSpec(index: 6, kind: .rom, size: 0x40000),
                ], revision: 3, subsystem: .qemu)
        case "rtl8139":
            return DeviceModel(
                name: name, vendorID: 0x10ec, deviceID: 0x8139, classCode: 0x020000, interruptPin: 1,
                bars: [
                    BARSpec(index: 0, kind: .io, size: 0x100),
                    BARSpec(index: 1, kind: .mem32, size: 0x100),
                    BARSpec(index: 6, kind: .rom, size: 0x40000),
                ], revision: 0x20, subsystem: .qemu)
        case "ich9-intel-hda":
            // Conventional PCI in QEMU (MSI capability only, no PCI Express capability), also as a
            // GPU's audio function beside VGA behind a root port.
            return DeviceModel(
                name: name, vendorID: 0x8086, deviceID: 0x293e, classCode: 0x040300, interruptPin: 1,
                bars: [BARSpec(index: 0, kind: .mem32, size: 0x4000)], revision: 3, subsystem: .qemu)
        case "bochs-display":
            return DeviceModel(
                name: name, vendorID: 0x1234, deviceID: 0x1111, classCode: 0x038000, interruptPin: 0,
                bars: [
                    BARSpec(index: 0, kind: .mem32, size: 0x1000000, prefetchable: true),
                    BARSpec(index: 2, kind: .mem32, size: 0x1000),
                    // vgabios-bochs-display.bin (28 KiB in Debian's seabios 1.16.2) -> 32 KiB ROM BAR.
                    BARSpec(index: 6, kind: .rom, size: 0x8000),
                ], revision: 2, subsystem: .qemu)
        default:
            return nil
        }
    }

    /// A transitional virtio function has revision 0 and the virtio device type as its subsystem
    /// id (virtio-pci's legacy ABI); a modern-only one revision 1 and QEMU's default subsystem.
    private static func virtio(_ name: String, legacyID: UInt16, modernID: UInt16, classCode: UInt32,
                               legacyIOSize: UInt64, rom: UInt64?, modern: Bool, virtioType: UInt16) -> DeviceModel {
        var bars: [BARSpec] = []
        if !modern { bars.append(BARSpec(index: 0, kind: .io, size: legacyIOSize)) }
        bars.append(BARSpec(index: 1, kind: .mem32, size: 0x1000))
        bars.append(BARSpec(index: 4, kind: .mem64, size: 0x4000, prefetchable: true))
        if let rom { bars.append(BARSpec(index: 6, kind: .rom, size: rom)) }
        return DeviceModel(name: name, vendorID: 0x1af4, deviceID: modern ? modernID : legacyID,
                           classCode: classCode, interruptPin: 1, bars: bars, revision: modern ? 1 : 0,
                           subsystem: modern ? .qemu : PCISubsystem(vendorID: 0x1af4, id: virtioType))
    }
}

/// ICH9 functions QEMU's q35 machine always creates on bus 0 besides the MCH (00.0) and LPC
/// (1f.0), which have no BARs. Linux assigns any BAR firmware left empty, so these are planned too.
public enum ChipsetFunctions {
    public struct Function: Sendable, Hashable {
        public var id: String
        public var address: SlotAddress
        public var model: DeviceModel
    }

    public static let all: [Function] = [
        Function(id: "ich9-ahci", address: SlotAddress(device: 0x1f, function: 2), model: DeviceModel(
            name: "ich9-ahci", vendorID: 0x8086, deviceID: 0x2922, classCode: 0x010601, interruptPin: 1,
            bars: [BARSpec(index: 4, kind: .io, size: 0x20), BARSpec(index: 5, kind: .mem32, size: 0x1000)])),
        Function(id: "ich9-smbus", address: SlotAddress(device: 0x1f, function: 3), model: DeviceModel(
            name: "ich9-smbus", vendorID: 0x8086, deviceID: 0x2930, classCode: 0x0c0500, interruptPin: 1,
            bars: [BARSpec(index: 4, kind: .io, size: 0x40)])),
    ]
}
