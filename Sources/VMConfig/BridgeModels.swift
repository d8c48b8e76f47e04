/// The bridges of a PCIe tree as QEMU 7.2 presents them. Provisional values from QEMU's
/// sources (hw/pci-bridge/xio3130_upstream.c, xio3130_downstream.c, pcie_pci_bridge.c,
/// pci_bridge_dev.c), to be held to captures like the other catalog entries.
extension DeviceCatalog {
    public static let switchUpstream = DeviceModel(
        name: "x3130-upstream", vendorID: 0x104c, deviceID: 0x8232, classCode: 0x060400, interruptPin: 0, bars: [])

    public static let switchDownstream = DeviceModel(
        name: "xio3130-downstream", vendorID: 0x104c, deviceID: 0x8233, classCode: 0x060400, interruptPin: 0, bars: [])

    /// Its SHPC registers are a 256-byte 64-bit BAR0.
    public static let pciePCIBridge = DeviceModel(
        name: "pcie-pci-bridge", vendorID: 0x1b36, deviceID: 0x000e, classCode: 0x060400, interruptPin: 1,
        bars: [BARSpec(index: 0, kind: .mem64, size: 0x100)])

    public static let pciBridge = DeviceModel(
        name: "pci-bridge", vendorID: 0x1b36, deviceID: 0x0001, classCode: 0x060400, interruptPin: 1,
        bars: [BARSpec(index: 0, kind: .mem64, size: 0x100)])
}

extension DeviceCatalog {
    /// pxb-pcie (hw/pci-bridge/pci_expander_bridge.c): a host bridge function on bus 0, no BARs.
    public static let pxbPCIe = DeviceModel(
        name: "pxb-pcie", vendorID: 0x1b36, deviceID: 0x000b, classCode: 0x060000, interruptPin: 0, bars: [])
}
