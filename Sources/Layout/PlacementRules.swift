import VMConfig

/// A placement policy: the one place that decides every address of a VM's memory and I/O
/// resources. Each policy is one type in one file (HvmloaderPolicy, ToolstackPolicy) owning its
/// order, alignment, allocation direction, 64-bit rule and hole sizing; the planner only hands it
/// the resources and writes back what it decides.
protocol PlacementRules {
    /// A bus 0 BAR as this policy places it: its footprint and alignment.
    func request(for bar: BARSpec, owner: String, scanOrder: Int) -> Request
    /// The hole, the ECAM, the windows and an address for every resource it can place.
    func place(_ input: PlacementInput) throws(LayoutError) -> MemoryAssignment
    /// Whether the imitated firmware leaves bridges (their windows and what sits behind them) to
    /// the guest OS, so that guestfw's placement of them is an extension of it.
    var leavesBridgesToGuest: Bool { get }
}

/// What a policy places: the BARs a bus 0 scan finds, and the root ports' windows, each sized
/// bottom-up from what sits behind it.
struct PlacementInput {
    var busZero: [Request]
    var windows: [Request]
    /// Identity BARs on bus 0 and windows fixed around identity BARs: already at their addresses
    /// (`Request.fixed`). A policy places nothing over them and makes its windows cover them.
    var fixed: [Request] = []
    /// Hot-pluggable ports whose I/O window is only the default reservation (the first to go).
    var defaultOnlyIO: Set<String>
    /// Ports whose I/O reservation the user gave (never silently dropped).
    var explicitIO: Set<String>
    /// Owners of the Xen platform device's BARs (5853:0001/0002), which hvmloader may treat apart.
    var xenPlatformIDs: Set<String>
}

extension PlacementInput {
    /// The fixed memory ranges below 4 GiB (a range that crosses 4 GiB counts here: it overlaps
    /// the chipset, which IdentityConflicts reports) and those above.
    var fixedLow: [AddressRange] { fixed.filter { !$0.isIO }.compactMap(\.fixedRange).filter { $0.start < FixedRanges.fourGiB } }
    var fixedHigh: [AddressRange] { fixed.filter { !$0.isIO }.compactMap(\.fixedRange).filter { $0.start >= FixedRanges.fourGiB } }
    var fixedIO: [AddressRange] { fixed.filter(\.isIO).compactMap(\.fixedRange) }
}

extension PlacementPolicy {
    func rules(for config: MachineConfig) -> any PlacementRules {
        switch self {
        case .hvmloader: HvmloaderPolicy(config: config)
        case .toolstack: ToolstackPolicy(config: config)
        }
    }
}
