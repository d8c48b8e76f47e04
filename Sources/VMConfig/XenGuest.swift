/// `[xen]`: what libxl and xl.cfg add to an HVM guest of their own accord. Defaults are libxl's
/// (`libxl__domain_build_info_setdefault` in tools/libs/light/libxl_create.c, Xen master c447b73).
public struct XenConfig: Sendable, Hashable {
    /// xl.cfg `xen_platform_pci` (libxl default true): QEMU's xen-platform device (5853:0001).
    public var platformPCI: Bool
    /// xl.cfg `xen_platform_pci_bar_uc` (libxl default true). When false hvmloader puts the
    /// platform device's memory BAR at the very end of the low hole instead of sorting it in
    /// (tools/firmware/hvmloader/pci.c, `pci_setup`: `!xenpci_bar_uc && vendor_id == PCI_VENDOR_ID_XEN`).
    public var platformPCIBarUC: Bool
    /// xl.cfg `vga` (libxl turns an unset kind into cirrus).
    public var vga: XenVGA
    /// xl.cfg `videoram` in bytes: what libxl passes QEMU as `vgamem_mb`. 0 for vga = none.
    public var videoram: UInt64

    /// `videoram` nil takes libxl's default for `vga`.
    public init(platformPCI: Bool = true, platformPCIBarUC: Bool = true, vga: XenVGA = .cirrus,
                videoram: UInt64? = nil) {
        self.platformPCI = platformPCI
        self.platformPCIBarUC = platformPCIBarUC
        self.vga = vga
        self.videoram = videoram ?? vga.defaultVideoRAM
    }
}

/// The emulated graphics card of a Xen HVM guest (xl.cfg `vga`). qxl, which libxl also knows,
/// is not in guestfw's catalog.
public enum XenVGA: String, Sendable, Hashable, CaseIterable {
    case stdvga
    case cirrus
    case none

    /// The QEMU model libxl asks for (libxl_dm.c, `libxl__build_device_model_args_new`:
    /// `-device VGA,vgamem_mb=N` or `-device cirrus-vga,vgamem_mb=N`, nothing for none).
    public var model: String? {
        switch self {
        case .stdvga: "VGA"
        case .cirrus: "cirrus-vga"
        case .none: nil
        }
    }

    /// libxl_create.c, `libxl__domain_build_info_setdefault`, QEMU_XEN device model:
    /// stdvga 16 MiB, cirrus 8 MiB, none 0 (also xl.cfg(5) `videoram`: "default and minimum").
    public var defaultVideoRAM: UInt64 {
        switch self {
        case .stdvga: 16 << 20
        case .cirrus: 8 << 20
        case .none: 0
        }
    }

    /// libxl refuses less ("videoram must be at least 16 MB for STDVGA on QEMU_XEN", "... 8 MB
    /// for CIRRUS ..."): the minimum is the default.
    public var minimumVideoRAM: UInt64 { defaultVideoRAM }

    /// What QEMU 7.2 honours: VGA clamps vgamem_mb to 512 (a larger value gives the same 512 MiB
    /// BAR), cirrus-vga refuses anything but 4, 8 or 16 ("Invalid cirrus_vga ram size"), both
    /// checked by running QEMU 7.2.
    public var maximumVideoRAM: UInt64 {
        switch self {
        case .stdvga: 512 << 20
        case .cirrus: 16 << 20
        case .none: 0
        }
    }
}

/// The bus 0 functions libxl's QEMU gives every Xen HVM guest, and where they sit.
///
/// libxl does not choose their addresses: tools/libs/light/libxl_dm.c,
/// `libxl__build_device_model_args_new`, passes `-nodefaults`, `-machine xenfv,...` when
/// `xen_platform_pci` is on (`pc,accel=xen,...` when off: "the machine \"pc\" which does not add
/// the xen-platform device") and the VGA as `-device VGA,vgamem_mb=N` / `-device
/// cirrus-vga,vgamem_mb=N`, neither with an `addr`. QEMU numbers them: its xenfv machine
/// (hw/i386/pc_piix.c, `pc_xen_hvm_init`) creates the platform device with
/// `pci_create_simple(bus, -1, "xen-platform")` while building the board, after the host bridge
/// (00.0) and the PIIX3 functions (slot 01), so it takes the first free slot, 02; `-device`
/// arguments are created after the board, so the VGA takes the next free slot: 03, or 02 without
/// the platform device. libxl adds a SCSI controller (`-device lsi53c895a`, for "sd" disks) and a
/// spice virtio-serial before the VGA when asked to; guestfw models neither.
///
/// libxl has no Q35 machine yet (Xen master c447b73); guestfw keeps these slots, the ones Xen
/// guests and their PV drivers know, on Q35 too.
public enum XenGuest {
    public static let platformID = "xen-platform"
    public static let vgaID = "vga"
    public static let platformSlot = SlotAddress(device: 0x02, function: 0)

    /// Where libxl's QEMU puts the VGA.
    public static func vgaSlot(platformPCI: Bool) -> SlotAddress {
        SlotAddress(device: platformPCI ? 0x03 : 0x02, function: 0)
    }

    /// The functions of `xen`, platform device first, as integrated bus-0 devices.
    public static func devices(_ xen: XenConfig) -> [Device] {
        var devices: [Device] = []
        if xen.platformPCI {
            devices.append(Device(id: platformID, model: DeviceCatalog.xenPlatformModel, addr: platformSlot))
        }
        if let model = xen.vga.model {
            devices.append(Device(id: vgaID, model: model, addr: vgaSlot(platformPCI: xen.platformPCI),
                                  size: xen.videoram))
        }
        return devices
    }

    /// Who holds each slot, for messages: `"xen-platform" (xen-platform)`, `"vga" (cirrus-vga)`.
    static func holder(_ device: Device) -> String {
        let what = device.id == platformID ? "the Xen platform device" : "the emulated VGA"
        return "\(what) \"\(device.id)\" (\(device.model ?? "?"))"
    }
}

extension MachineConfig {
    /// The bus 0 devices libxl adds to a Xen HVM guest (the platform device, the emulated VGA),
    /// each with the slot libxl's QEMU gives it (see `XenGuest`). Empty for vmm = "qemu".
    public var xenGuestDevices: [Device] {
        vmm == .xen ? XenGuest.devices(xen) : []
    }
}

extension MachineConfig {
    /// The RAM the guest is built with. libxl takes the emulated VGA's video memory out of
    /// `memory` (libxl_dom.c, libxl__build_hvm: mem_size = max_memkb - video_memkb); QEMU
    /// gives the guest all of it.
    public var guestRAM: UInt64 {
        vmm == .xen && xen.videoram < memory ? memory - xen.videoram : memory
    }
}
