extension DeviceCatalog {
    /// Whether a catalog model is a PCI Express endpoint only, which a conventional PCI bus (behind
    /// a pci-bridge or pcie-pci-bridge) cannot hold.
    /// Stand-in: replaced by the catalog's own `DeviceCatalog.isPCIeOnly(_:)` in DeviceCatalog.swift.
    public static func isPCIeOnly(_ model: String) -> Bool {
        model == "e1000e"
    }
}
