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

    public init(name: String, vendorID: UInt16, deviceID: UInt16, classCode: UInt32,
                interruptPin: UInt8, bars: [BARSpec]) {
        self.name = name
        self.vendorID = vendorID
        self.deviceID = deviceID
        self.classCode = classCode
        self.interruptPin = interruptPin
        self.bars = bars
    }
}

/// Where a device is plugged changes what QEMU shows: a virtio device on the root bus stays
/// transitional (legacy I/O BAR, legacy device id), behind a PCIe port it is modern-only.
public enum Placement: String, Sendable, Hashable, CaseIterable {
    case rootBus = "root-bus"
    case rootPort = "root-port"
    /// On a conventional PCI bus behind a PCI bridge.
    case conventional = "conventional-bus"
}

public enum DeviceCatalog {
    public static let rootPortModel = "pcie-root-port"

    /// The endpoint models a `[[device]]` may name.
    public static let endpointModels: [String] = [
        "virtio-net-pci", "virtio-blk-pci", "virtio-scsi-pci", "e1000e", "nvme", "qemu-xhci",
        "ivshmem-plain", "VGA", "bochs-display", "cirrus-vga",
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
        bars: [BARSpec(index: 0, kind: .mem32, size: 0x1000)])

    /// The model as QEMU presents it at `placement`, or nil for a name outside the catalog.
    /// `size` is the model parameter of sized models and the video memory of `videoMemoryModels`
    /// (ignored by the others).
    public static func model(named name: String, placement: Placement, size: UInt64? = nil) -> DeviceModel? {
        let modern = placement == .rootPort
        switch name {
        case "virtio-net-pci":
            return virtio(name, legacyID: 0x1000, modernID: 0x1041, classCode: 0x020000,
                          legacyIOSize: 0x20, rom: 0x40000, modern: modern)
        case "virtio-blk-pci":
            return virtio(name, legacyID: 0x1001, modernID: 0x1042, classCode: 0x010000,
                          legacyIOSize: 0x80, rom: nil, modern: modern)
        case "virtio-scsi-pci":
            return virtio(name, legacyID: 0x1004, modernID: 0x1048, classCode: 0x010000,
                          legacyIOSize: 0x40, rom: nil, modern: modern)
        case "e1000e":
            return DeviceModel(
                name: name, vendorID: 0x8086, deviceID: 0x10d3, classCode: 0x020000, interruptPin: 1,
                bars: [
                    BARSpec(index: 0, kind: .mem32, size: 0x20000),
                    BARSpec(index: 1, kind: .mem32, size: 0x20000),
                    BARSpec(index: 2, kind: .io, size: 0x20),
                    BARSpec(index: 3, kind: .mem32, size: 0x4000),
                    BARSpec(index: 6, kind: .rom, size: 0x40000),
                ])
        case "nvme":
            return DeviceModel(
                name: name, vendorID: 0x1b36, deviceID: 0x0010, classCode: 0x010802, interruptPin: 1,
                bars: [BARSpec(index: 0, kind: .mem64, size: 0x4000)])
        case "qemu-xhci":
            return DeviceModel(
                name: name, vendorID: 0x1b36, deviceID: 0x000d, classCode: 0x0c0330, interruptPin: 1,
                bars: [BARSpec(index: 0, kind: .mem64, size: 0x4000)])
        case "ivshmem-plain":
            return DeviceModel(
                name: name, vendorID: 0x1af4, deviceID: 0x1110, classCode: 0x050000, interruptPin: 0,
                bars: [
                    BARSpec(index: 0, kind: .mem32, size: 0x100),
                    BARSpec(index: 2, kind: .mem64, size: size ?? 0x400000, prefetchable: true),
                ])
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
                    BARSpec(index: 6, kind: .rom, size: 0x10000),
                ])
        case "cirrus-vga":
            // BAR0 is 32 MiB whatever vgamem_mb (4, 8 or 16) says; BAR1 the 4 KiB mmio registers.
            return DeviceModel(
                name: name, vendorID: 0x1013, deviceID: 0x00b8, classCode: 0x030000, interruptPin: 0,
                bars: [
                    BARSpec(index: 0, kind: .mem32, size: 0x2000000, prefetchable: true),
                    BARSpec(index: 1, kind: .mem32, size: 0x1000),
                    // vgabios-cirrus.bin (Debian's seabios 1.16.2) -> 64 KiB ROM BAR.
                    BARSpec(index: 6, kind: .rom, size: 0x10000),
                ])
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
        case "bochs-display":
            return DeviceModel(
                name: name, vendorID: 0x1234, deviceID: 0x1111, classCode: 0x038000, interruptPin: 0,
                bars: [
                    BARSpec(index: 0, kind: .mem32, size: 0x1000000, prefetchable: true),
                    BARSpec(index: 2, kind: .mem32, size: 0x1000),
                    // vgabios-bochs-display.bin (28 KiB in Debian's seabios 1.16.2) -> 32 KiB ROM BAR.
                    BARSpec(index: 6, kind: .rom, size: 0x8000),
                ])
        default:
            return nil
        }
    }

    private static func virtio(_ name: String, legacyID: UInt16, modernID: UInt16, classCode: UInt32,
                               legacyIOSize: UInt64, rom: UInt64?, modern: Bool) -> DeviceModel {
        var bars: [BARSpec] = []
        if !modern { bars.append(BARSpec(index: 0, kind: .io, size: legacyIOSize)) }
        bars.append(BARSpec(index: 1, kind: .mem32, size: 0x1000))
        bars.append(BARSpec(index: 4, kind: .mem64, size: 0x4000, prefetchable: true))
        if let rom { bars.append(BARSpec(index: 6, kind: .rom, size: rom)) }
        return DeviceModel(name: name, vendorID: 0x1af4, deviceID: modern ? modernID : legacyID,
                           classCode: classCode, interruptPin: 1, bars: bars)
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
