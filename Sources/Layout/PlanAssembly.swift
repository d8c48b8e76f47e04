import VMConfig

extension Planner {
    static func assemble(_ config: MachineConfig, topology: Topology, demands: [PortDemand], memory: MemoryAssignment,
                         addresses: [ResourceOwner: UInt64], unassigned: [Request], warnings: [String]) -> Plan {
        let routing = config.vmm.interruptRouting
        let functions = (topology.rootEndpoints.map { endpointFunction($0, behindPortAt: nil, routing, addresses) }
            + zip(topology.ports, demands).flatMap { port, demand in
                [portFunction(port, demand, routing, addresses)] + port.children.map { endpointFunction($0, behindPortAt: port.address.device, routing, addresses) }
            }).sorted { $0.bdf < $1.bdf }
        let memoryMap = memoryMap(config, memory, functionCount: functions.count)
        let ecam = memory.ecam.map {
            ECAMWindow(base: $0.start, size: $0.size, segment: 0, busStart: 0, busEnd: config.ecam.buses - 1)
        }
        return Plan(
            name: config.name, policy: config.ecam.policy, vmm: config.vmm, vcpus: config.vcpus, physBits: config.physBits,
            memory: memoryMap, ecam: ecam,
            windows: HostWindows(io: IOPlacement.space, mmio32Ranges: memory.mmio32, mmio64: memory.mmio64),
            chipset: ChipsetSettings(pmBase: pmBase, sciIRQ: sciIRQ,
                                     pirqGSIs: (0..<Q35Interrupts.pirqCount).map { Q35Interrupts.firstPIRQGSI + $0 }),
            e820: E820Map.build(memory: memoryMap, ecam: memory.ecam, vmm: config.vmm),
            functions: functions,
            unassigned: unassignedList(functions, memory: memory, unplaced: unassigned),
            interruptRouting: routing,
            warnings: warnings + config.descriptionWarnings)
    }

    static func plannedBARs(_ bars: [BARSpec], owner: String, _ addresses: [ResourceOwner: UInt64]) -> [PlannedBAR] {
        bars.map { PlannedBAR(index: $0.index, kind: $0.kind, prefetchable: $0.prefetchable, size: $0.size,
                              address: addresses[.bar(id: owner, index: $0.index)]) }
    }

    static func endpointFunction(_ endpoint: Topology.Endpoint, behindPortAt portSlot: Int?, _ routing: InterruptRouting,
                                 _ addresses: [ResourceOwner: UInt64]) -> PlannedFunction {
        // A passthrough function's pin is unknown here; INTA is what nearly every function uses.
        let pin = endpoint.model?.interruptPin ?? 1
        return PlannedFunction(
            bdf: endpoint.bdf, id: endpoint.id, kind: endpoint.kind, model: endpoint.model?.name,
            vendorID: endpoint.model?.vendorID, deviceID: endpoint.model?.deviceID, classCode: endpoint.model?.classCode,
            secondaryBus: nil, subordinateBus: nil, windows: nil, hotplug: false, slotNumber: nil,
            bars: plannedBARs(endpoint.bars, owner: endpoint.id, addresses),
            interrupt: Q35Interrupts.route(pin: pin, bdf: endpoint.bdf, behindPortAt: portSlot, routing: routing))
    }

    static func portFunction(_ port: Topology.Port, _ demand: PortDemand, _ routing: InterruptRouting, _ addresses: [ResourceOwner: UInt64]) -> PlannedFunction {
        let model = DeviceCatalog.rootPort
        let bdf = BDF(bus: 0, device: port.address.device, function: port.address.function)
        func window(_ request: Request?) -> AddressRange? {
            guard let request, let base = addresses[request.owner] else { return nil }
            return AddressRange(start: base, size: request.size)
        }
        return PlannedFunction(
            bdf: bdf, id: port.port.id, kind: .rootPort, model: model.name,
            vendorID: model.vendorID, deviceID: model.deviceID, classCode: model.classCode,
            secondaryBus: port.secondaryBus, subordinateBus: port.subordinateBus,
            windows: BridgeWindows(io: window(demand.io), mem: window(demand.mem), pref: window(demand.pref)),
            hotplug: port.port.hotplug, slotNumber: port.slotNumber,
            bars: plannedBARs(model.bars, owner: port.port.id, addresses),
            interrupt: Q35Interrupts.route(pin: model.interruptPin, bdf: bdf, behindPortAt: nil, routing: routing))
    }

    /// Every resource left without an address: what the policy could not place, and the BARs
    /// inside windows it could not place.
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
