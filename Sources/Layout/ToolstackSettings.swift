import VMConfig

/// What a toolstack sets before boot so that the guest sees this plan, decided once from the
/// plan and its description; toolstack.json and xl.cfg both only render it.
///
/// Xen (libxl with the Q35 series v1, Thierry Escande, 2026-03): the xl.cfg settings, the
/// xenstore keys hvmloader reads, the ECAM as HVMOP_set_ecam_space takes it and the QEMU
/// arguments libxl derives. QEMU: the machine and host-bridge properties that pin the same RAM
/// split and 64-bit window (the ECAM base has no property: the firmware programs PCIEXBAR).
public struct ToolstackSettings: Sendable {
    /// The 32-bit hole is fixed before boot: the toolstack policy fixes it, and a description's
    /// `mmio.hole` fixes it under either policy. Otherwise hvmloader sizes it at boot.
    public var holeIsFixed: Bool
    /// 4 GiB less the hole's start (xl.cfg `mmio_hole`, xenstore `platform/mmio_hole_size`).
    public var holeSize: UInt64
    /// xl.cfg, in the order it is written; empty for vmm = "qemu".
    public var xl: [XLSetting]
    /// What the plan holds that xl.cfg has no setting for, one line each.
    public var xlUnexpressed: [String]
    /// Keys and values as hvmloader reads them from the guest's xenstore directory.
    public var xenstore: [(key: String, value: String)]
    public var ecamSpace: ECAMSpaceArguments?
    /// The arguments libxl passes QEMU for this guest (libxl_dm.c, libxl__build_device_model_args_new,
    /// with the series' patches 12/17 and 13/17).
    public var deviceModelArgs: [String]
    /// QEMU (vmm = "qemu"): `-machine` and `-global` values.
    public var qemuMachine: String?
    public var qemuGlobals: [String]
    /// Where the settings cannot give the guest this plan, or the plan's peer would refuse it.
    public var notes: [String]

    public init(plan: Plan, config: MachineConfig) {
        holeSize = FixedRanges.fourGiB - plan.memory.hole.start
        holeIsFixed = plan.policy == .toolstack || config.mmio.hole != nil
        xl = []
        xlUnexpressed = []
        xenstore = []
        ecamSpace = nil
        deviceModelArgs = []
        qemuMachine = nil
        qemuGlobals = []
        notes = []
        switch plan.vmm {
        case .qemu:
            qemuMachine = "q35,max-ram-below-4g=\(plan.memory.maxRAMBelow4G)"
            // q35-pcihost's pci-hole64-size (QEMU 7.2, default 32 GiB): the 64-bit window QEMU
            // reports starts on the GiB boundary above high RAM, as the plan's does.
            if let window = plan.windows.mmio64 { qemuGlobals.append("q35-pcihost.pci-hole64-size=\(window.size)") }
        case .xen:
            setXen(plan, config)
        }
    }

    /// The QEMU command line fragment of a vmm = "qemu" plan.
    public var qemuArgs: [String] {
        (qemuMachine.map { ["-machine", $0] } ?? []) + qemuGlobals.flatMap { ["-global", $0] }
    }

    private mutating func setXen(_ plan: Plan, _ config: MachineConfig) {
        let mib = Units.miB
        xl = [
            XLSetting("name", .string(plan.name)),
            XLSetting("type", .string("hvm")),
            XLSetting("device_model_machine", .string("q35"), "the Q35 series' option (patch 12/17); without it libxl builds an i440FX guest"),
            XLSetting("memory", .int(config.memory / mib),
                      "MiB; libxl gives the guest this less videoram as RAM (libxl_dom.c, libxl__build_hvm)"),
            XLSetting("vcpus", .int(UInt64(plan.vcpus))),
        ]
        if holeIsFixed {
            xl.append(XLSetting("mmio_hole", .int(holeSize / mib),
                                "MiB: low RAM ends at \(hex(plan.memory.hole.start)); libxl writes platform/mmio_hole_size and passes max-ram-below-4g"))
        }
        xl.append(XLSetting("xen_platform_pci", .int(config.xen.platformPCI ? 1 : 0)))
        if !config.xen.platformPCIBarUC {
            xl.append(XLSetting("xen_platform_pci_bar_uc", .int(0)))
        }
        xl.append(XLSetting("vga", .string(config.xen.vga.rawValue)))
        if config.xen.vga != .none {
            xl.append(XLSetting("videoram", .int(config.xen.videoram / mib), "MiB, taken out of memory by libxl"))
        }
        let passthrough = passthroughSpecs(plan, config)
        if !passthrough.isEmpty { xl.append(XLSetting("pci", .list(passthrough))) }
        xlUnexpressed += plan.functions.filter { function in
            function.kind != .chipset && !config.devices.contains { $0.id == function.id && $0.passthrough != nil }
                && !config.xenGuestDevices.contains { $0.id == function.id }
        }.map { function in
            "\(function.id) at \(function.bdf) (\(function.model ?? function.kind.rawValue)): no xl.cfg setting places it; libxl would need device_model_args_hvm"
        }

        xenstore = []
        if holeIsFixed {
            // libxl_create.c, libxl__domain_build (localents): written when mmio_hole is set and
            // 4 GiB - hole <= 0xF0000000; hvmloader's pci_setup() then skips growing the hole.
            xenstore.append(("platform/mmio_hole_size", String(holeSize)))
        }
        // libxl_dm.c, device_model_launch (and libxl__spawn_stub_dm): "0" with qemu-xen, always.
        xenstore.append(("hvmloader/allow-memory-relocate", "0"))
        // libxl_dm.c: the BIOS hvmloader loads (libxl's default for qemu-xen); the plan's E820
        // and RSDP assume it.
        xenstore.append(("hvmloader/bios", "seabios"))
        // libxl_dom.c, hvm_build_set_xs_values: HVM_XS_XEN_PLATFORM_PCI_BAR_UC as "%d".
        xenstore.append(("hvmloader/pci/xen-platform-pci-bar-uc", config.xen.platformPCIBarUC ? "1" : "0"))
        // libxl_create.c: hvmloader picks its DSDT by it (util.c, hvmloader_acpi_build_tables).
        xenstore.append(("platform/device-model", "qemu_xen"))
        if plan.memory.relocatedRAM > 0 {
            notes.append("the plan moves \(hex(plan.memory.relocatedRAM)) of RAM above 4 GiB, but libxl writes hvmloader/allow-memory-relocate = 0 with qemu-xen (libxl_dm.c), so hvmloader will not relocate and this layout needs that key set to 1 by other means")
        }

        if let ecam = plan.ecam {
            let arguments = ECAMSpaceArguments(addr: ecam.base, size: ecam.size,
                                               caller: plan.policy == .hvmloader ? .hvmloader : .toolstack)
            ecamSpace = arguments
            if !arguments.sizeAccepted {
                notes.append("HVMOP_set_ecam_space refuses this ECAM: the series' handler returns -EINVAL when size >> 28 is not 0, i.e. for \(Quantity.format(ecam.size)) (\(ecam.busEnd - ecam.busStart + 1) buses); hvmloader ignores the error, and without the window Xen forwards no ECAM access and the series' E820 and MCFG leave it out (its hvmloader always asks for 64 buses, PCI_MAX_MCFG_BUSES)")
            }
            if arguments.caller == .toolstack {
                notes.append("HVMOP_set_ecam_space accepts one call per domain (-EFAULT once set): when the toolstack sets the ECAM, the series' hvmloader call in pci_setup() fails; hvmloader must take the window as given")
            }
        }

        var machine = "q35,accel=xen"
        if holeIsFixed { machine += ",max-ram-below-4g=\(plan.memory.hole.start)" }
        deviceModelArgs = ["-machine", machine]
        if config.xen.platformPCI { deviceModelArgs += ["-device", "xen-platform"] }
    }

    /// xl.cfg `pci` entries: the host BDF, with `vslot` where the plan puts the function on
    /// bus 0 as function 0 (a virtual slot is always on bus 0: xl-pci-configuration(5)).
    private mutating func passthroughSpecs(_ plan: Plan, _ config: MachineConfig) -> [String] {
        config.devices.compactMap { device -> String? in
            guard let host = device.passthrough else { return nil }
            guard let function = plan.functions.first(where: { $0.id == device.id }) else { return host }
            if function.bdf.bus == 0 && function.bdf.function == 0 {
                return host + ",vslot=" + format2(function.bdf.device)
            }
            xlUnexpressed.append("\(device.id) (host \(host)) at \(function.bdf): Xen has no emulated root ports, so the guest sees it on bus 0 at a slot libxl chooses")
            return host
        }
    }
}

/// One xl.cfg setting.
public struct XLSetting: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case int(UInt64)
        case string(String)
        case list([String])
    }

    public var key: String
    public var value: Value
    /// Written as a comment above the line.
    public var comment: String?

    public init(_ key: String, _ value: Value, _ comment: String? = nil) {
        self.key = key
        self.value = value
        self.comment = comment
    }
}

/// The arguments of the Q35 series' HVMOP_set_ecam_space (v1 patch 09/17, "xen/hvm: Add
/// HVMOP_get|set_ecam_space hypercalls"): `struct xen_hvm_ecam_space { domid_t domid;
/// uint16_t pad[3]; uint64_t addr; uint32_t size; }`, op number 16. There is no segment or bus
/// range: the window always starts at bus 0 of segment 0 and covers size / 1 MiB buses.
public struct ECAMSpaceArguments: Sendable, Hashable {
    public static let op = 16

    public enum Caller: String, Sendable, Hashable {
        /// The series: hvmloader's pci_setup() with DOMID_SELF, once it placed PCIEXBAR.
        case hvmloader
        /// What the reviewers asked for: the toolstack, with the guest's domid, before boot.
        case toolstack
    }

    public var addr: UInt64
    public var size: UInt64
    public var caller: Caller

    /// The handler's check: `if ( (ecam.size >> 28) || (!ecam.addr) ) return -EINVAL;`.
    public var sizeAccepted: Bool { size >> 28 == 0 && addr != 0 }
}
