import VMConfig

extension Planner {
    static func assemble(_ config: MachineConfig, topology: Topology, demands: [BridgeDemand], memory: MemoryAssignment,
                         addresses: [ResourceOwner: UInt64], unassigned: [Request], warnings: [String]) -> Plan {
        let routing = config.vmm.interruptRouting
        let busZero = topology.rootEndpoints.map {
            endpointFunction($0, uplink: Uplink(rootSlot: $0.bdf.device, offset: 0), routing, addresses)
        }
        let functions = (busZero + zip(topology.bridges, demands).flatMap { bridge, demand in
            subtreeFunctions(bridge, demand, uplink: Uplink(rootSlot: bridge.bdf.device, offset: 0), routing, addresses)
        }).sorted { $0.bdf < $1.bdf }
        let memoryMap = memoryMap(config, memory, functionCount: functions.count)
        let ecam = memory.ecam.map {
            ECAMWindow(base: $0.start, size: $0.size, segment: 0, busStart: 0, busEnd: config.ecam.buses - 1)
        }
        let windows = HostWindows(io: IOPlacement.space, mmio32Ranges: memory.mmio32, mmio64: memory.mmio64)
        var plan = Plan(
            name: config.name, policy: config.ecam.policy, vmm: config.vmm, vcpus: config.vcpus, physBits: config.physBits,
            memory: memoryMap, ecam: ecam,
            windows: windows,
            chipset: ChipsetSettings(pmBase: pmBase, sciIRQ: sciIRQ,
                                     pirqGSIs: (0..<Q35Interrupts.pirqCount).map { Q35Interrupts.firstPIRQGSI + $0 }),
            e820: E820Map.build(memory: memoryMap, ecam: memory.ecam, vmm: config.vmm),
            functions: functions,
            unassigned: unassignedList(functions, memory: memory, unplaced: unassigned + nestedUnplaced(demands, addresses)),
            interruptRouting: routing,
            warnings: warnings + config.descriptionWarnings)
        plan.hostBridges = hostBridges(functions, windows: windows, lastBus: config.ecam.buses - 1)
        return plan
    }

    /// Each expander claims what its root ports' windows were placed in; PCI0 claims the rest of
    /// the host windows and the buses below the lowest expander's (as QEMU's own DSDT divides them).
    static func hostBridges(_ functions: [PlannedFunction], windows: HostWindows, lastBus: Int) -> [PlannedHostBridge] {
        let expanders = functions.filter { $0.kind == .hostBridge }.sorted { ($0.secondaryBus ?? 0) < ($1.secondaryBus ?? 0) }
        let claimed = expanders.map { expander -> PlannedHostBridge in
            let placed = [expander.windows?.mem, expander.windows?.pref].compactMap { $0 }
            return PlannedHostBridge(
                id: expander.id, uid: expander.secondaryBus ?? 0, bdf: expander.bdf,
                busStart: expander.secondaryBus ?? 0, busEnd: expander.subordinateBus ?? 0,
                io: [expander.windows?.io].compactMap { $0 },
                mmio32: placed.filter { $0.limit <= FixedRanges.fourGiB }, mmio64: placed.filter { $0.limit > FixedRanges.fourGiB })
        }
        let pci0 = PlannedHostBridge(
            id: "pci0", uid: 0, bdf: nil, busStart: 0, busEnd: (claimed.map(\.busStart).min() ?? lastBus + 1) - 1,
            io: AddressRange.subtracting(claimed.flatMap(\.io), from: [windows.io]),
            mmio32: AddressRange.subtracting(claimed.flatMap(\.mmio32), from: windows.mmio32Ranges),
            mmio64: AddressRange.subtracting(claimed.flatMap(\.mmio64), from: windows.mmio64.map { [$0] } ?? []))
        return [pci0] + claimed
    }

    /// A bridge, the functions on its bus and everything below them.
    static func subtreeFunctions(_ bridge: Topology.Bridge, _ demand: BridgeDemand, uplink: Uplink,
                                 _ routing: InterruptRouting, _ addresses: [ResourceOwner: UInt64]) -> [PlannedFunction] {
        let below = { (device: Int) in uplink.below(device: device) }
        let own = bridgeFunction(bridge, demand, uplink: uplink, routing, addresses)
        let endpoints = bridge.endpoints.map { endpointFunction($0, uplink: below($0.bdf.device), routing, addresses) }
        let nested = zip(bridge.bridges, demand.children).flatMap { child, childDemand in
            subtreeFunctions(child, childDemand, uplink: below(child.bdf.device), routing, addresses)
        }
        return [own] + endpoints + nested
    }

    static func plannedBARs(_ bars: [BARSpec], owner: String, identity: [Int: UInt64] = [:],
                            _ addresses: [ResourceOwner: UInt64]) -> [PlannedBAR] {
        bars.map { PlannedBAR(index: $0.index, kind: $0.kind, prefetchable: $0.prefetchable, size: $0.size,
                              address: addresses[.bar(id: owner, index: $0.index)], isFixed: identity[$0.index] != nil) }
    }

    static func endpointFunction(_ endpoint: Topology.Endpoint, uplink: Uplink, _ routing: InterruptRouting,
                                 _ addresses: [ResourceOwner: UInt64]) -> PlannedFunction {
        // A passthrough function's pin is unknown here; INTA is what nearly every function uses.
        let pin = endpoint.model?.interruptPin ?? 1
        return PlannedFunction(
            bdf: endpoint.bdf, id: endpoint.id, kind: endpoint.kind, model: endpoint.model?.name,
            vendorID: endpoint.model?.vendorID, deviceID: endpoint.model?.deviceID, classCode: endpoint.model?.classCode,
            secondaryBus: nil, subordinateBus: nil, windows: nil, hotplug: false, slotNumber: nil,
            bars: plannedBARs(endpoint.bars, owner: endpoint.id, identity: endpoint.identity, addresses),
            interrupt: Q35Interrupts.route(pin: pin, rootSlot: uplink.rootSlot, offset: uplink.offset, routing: routing))
    }

    static func bridgeFunction(_ bridge: Topology.Bridge, _ demand: BridgeDemand, uplink: Uplink,
                               _ routing: InterruptRouting, _ addresses: [ResourceOwner: UInt64]) -> PlannedFunction {
        let model = bridge.model
        func window(_ request: Request?) -> AddressRange? {
            guard let request, let base = addresses[request.owner] else { return nil }
            return AddressRange(start: base, size: request.size)
        }
        return PlannedFunction(
            bdf: bridge.bdf, id: bridge.id, kind: bridge.kind, model: model.name,
            vendorID: model.vendorID, deviceID: model.deviceID, classCode: model.classCode,
            secondaryBus: bridge.secondaryBus, subordinateBus: bridge.subordinateBus,
            windows: BridgeWindows(io: window(demand.io), mem: window(demand.mem), pref: window(demand.pref),
                                   fixed: [("io", demand.io), ("mem", demand.mem), ("pref", demand.pref)].filter { $0.1?.fixed != nil }.map(\.0)),
            hotplug: bridge.isPort && bridge.hotplug, slotNumber: bridge.slotNumber,
            bars: plannedBARs(model.bars, owner: bridge.id, addresses),
            interrupt: Q35Interrupts.route(pin: model.interruptPin, rootSlot: uplink.rootSlot, offset: uplink.offset, routing: routing))
    }

    /// Every resource left without an address: what the policy could not place, and the BARs
    /// inside windows it could not place.
    /// Windows below a window that found no place have none either.
    static func nestedUnplaced(_ demands: [BridgeDemand], _ addresses: [ResourceOwner: UInt64]) -> [Request] {
        demands.flatMap { $0.children.flatMap(\.all) }.flatMap { [$0.io, $0.mem, $0.pref].compactMap { $0 } }
            .filter { addresses[$0.owner] == nil }
    }

    static func unassignedList(_ functions: [PlannedFunction], memory: MemoryAssignment, unplaced: [Request]) -> [UnassignedResource] {
        let windows = unplaced.compactMap { request -> UnassignedResource? in
            switch request.owner {
            case .bar: return nil
            case .window(let id, let kind): return UnassignedResource(id: id, bar: nil, kind: kind.rawValue, size: request.size)
            case .ecam: return UnassignedResource(id: "ecam", bar: nil, kind: "ecam", size: request.size)
            }
        }
        let bars = functions.flatMap { function in
            function.bars.filter { $0.address == nil }.map {
                UnassignedResource(id: function.id, bar: $0.index, kind: $0.kind.rawValue, size: $0.size)
            }
        }
        return windows + bars
    }
}
