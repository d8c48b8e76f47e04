import VMConfig

/// From a validated description and a policy to a complete Plan. Pure: no I/O, no ACPI.
/// Every address comes from the policy (`PlacementRules`): the planner gathers what there is
/// to place, hands it over, and writes the answers back into the functions.
public enum Planner {
    public static let pmBase: UInt16 = 0x600
    public static let sciIRQ = 9

    public static func plan(_ config: MachineConfig) throws(LayoutError) -> Plan {
        let topology = Topology(config)
        try IdentityConflicts.addressable(topology, physBits: config.physBits)
        let demands = try topology.bridges.map { bridge throws(LayoutError) in try BridgeDemand(bridge) }
        let rules = config.ecam.policy.rules(for: config)
        let busZero = busZeroRequests(topology, rules)
        let windows = demands.flatMap { [$0.io, $0.mem, $0.pref].compactMap { $0 } }
        // Identity BARs and the windows fixed around them have their addresses before any policy
        // runs (from the host, bottom-up through FixedWindows.swift); the policy places the rest around them.
        let fixed = (busZero + windows).filter { $0.fixed != nil }
        try IdentityConflicts.disjoint(fixed)
        let input = PlacementInput(
            busZero: busZero.filter { $0.fixed == nil },
            windows: windows.filter { $0.fixed == nil },
            fixed: fixed,
            defaultOnlyIO: Set(demands.filter(\.ioIsDefaultOnly).map(\.bridgeID)),
            explicitIO: Set(topology.bridges.filter { $0.reserve.io != nil }.map(\.id)),
            xenPlatformIDs: Set(topology.rootEndpoints.filter { $0.model?.isXenPlatform == true }.map(\.id)))
        let assignment = try rules.place(input)
        var addresses = assignment.addresses
        for request in fixed { addresses[request.owner] = request.fixed }
        fillWindows(demands, addresses: &addresses)
        var plan = assemble(config, topology: topology, demands: demands, memory: assignment, addresses: addresses,
                            unassigned: assignment.unassigned, warnings: assignment.warnings)
        if rules.leavesBridgesToGuest { markExtensions(&plan) }
        plan.departures = assignment.departures
        plan.hazards = Hazards.find(in: plan)
        try IdentityConflicts.check(plan)
        return plan
    }

    /// Every BAR a bus 0 scan finds, with its place in that scan (devfn, then BAR index).
    static func busZeroRequests(_ topology: Topology, _ rules: any PlacementRules) -> [Request] {
        let endpoints = topology.rootEndpoints.flatMap { endpoint in
            endpoint.bars.map { bar in
                var request = rules.request(for: bar, owner: endpoint.id, scanOrder: scanOrder(endpoint.bdf.devfn, bar))
                request.fixed = endpoint.identity[bar.index]
                return request
            }
        }
        let bridges = topology.bridges.flatMap { bridge in
            bridge.model.bars.map { rules.request(for: $0, owner: bridge.id, scanOrder: scanOrder(bridge.bdf.devfn, $0)) }
        }
        return endpoints + bridges
    }

    static func scanOrder(_ devfn: Int, _ bar: BARSpec) -> Int { devfn * 8 + bar.index }

    /// Resources the imitated firmware leaves to the guest: every bridge window and every BAR
    /// behind a bridge.
    static func markExtensions(_ plan: inout Plan) {
        for index in plan.functions.indices {
            if plan.functions[index].bdf.bus != 0 {
                for bar in plan.functions[index].bars.indices { plan.functions[index].bars[bar].isExtension = true }
            }
            plan.functions[index].windows?.isExtension = true
        }
    }

    /// Top-down: a placed window's children are packed from its base in placement order, which
    /// keeps each naturally aligned because the window is aligned to its largest child. A window
    /// whose base is not aligned was placed with its end aligned instead (`Request.mayAlignEnd`:
    /// its size is no multiple of its alignment, so exactly one of its ends can be): it holds the
    /// mirror image of that packing, measured down from its end. A BAR's size is a multiple of its
    /// alignment, so it stays aligned; a window inside ends on its boundary and is mirrored in turn.
    /// A fixed window's children were placed with it, bottom-up (FixedWindows.swift).
    static func fillWindows(_ demands: [BridgeDemand], addresses: inout [ResourceOwner: UInt64]) {
        for demand in demands.flatMap(\.all) {
            addresses.merge(demand.placedChildren) { _, decided in decided }
            for (window, children) in [(demand.io, demand.ioChildren), (demand.mem, demand.memChildren), (demand.pref, demand.prefChildren)] {
                guard let window, window.fixed == nil, let base = addresses[window.owner] else { continue }
                let fromTop = base % window.alignment != 0
                var offset: UInt64 = 0
                for child in children {
                    offset = alignUp(offset, child.alignment)
                    addresses[child.owner] = fromTop ? base + window.size - offset - child.size : base + offset
                    offset += child.size
                }
            }
        }
    }
}

extension BDF {
    var devfn: Int { device << 3 | function }
}
