import VMConfig

/// From a validated description and a policy to a complete Plan. Pure: no I/O, no ACPI.
public enum Planner {
    public static let pmBase: UInt16 = 0x600
    public static let sciIRQ = 9

    public static func plan(_ config: MachineConfig) throws(LayoutError) -> Plan {
        let topology = Topology(config)
        let demands = topology.ports.map(PortDemand.init)
        let memory: MemoryAssignment = switch config.ecam.policy {
        case .hvmloader: try HvmloaderPolicy.place(config, requests: memoryRequests(topology, demands))
        case .toolstack: try ToolstackPolicy.place(config, requests: memoryRequests(topology, demands))
        }
        let io = try IOPlacement.place(
            ioRequests(topology, demands),
            defaultOnly: Set(demands.filter(\.ioIsDefaultOnly).map(\.portID)),
            explicitReservations: Set(topology.ports.filter { $0.port.reserve.io != nil }.map(\.port.id)),
            strict: config.ecam.policy == .toolstack)
        var addresses = memory.addresses.merging(io.addresses) { first, _ in first }
        let unplaced = memory.unassigned + io.unassigned
        fillWindows(demands, addresses: &addresses)
        return assemble(config, topology: topology, demands: demands, memory: memory, addresses: addresses,
                        unassigned: unplaced, warnings: memory.warnings + io.warnings)
    }

    /// Everything placed directly in the host bridge's memory windows.
    static func memoryRequests(_ topology: Topology, _ demands: [PortDemand]) -> [Request] {
        let endpointBARs = topology.rootEndpoints.flatMap { endpoint in
            endpoint.bars.filter(\.kind.isMemory).map { Request(bar: $0, owner: endpoint.id) }
        }
        let portBARs = topology.ports.flatMap { port in
            DeviceCatalog.rootPort.bars.map { Request(bar: $0, owner: port.port.id) }
        }
        return endpointBARs + portBARs + demands.flatMap { [$0.mem, $0.pref].compactMap { $0 } }
    }

    static func ioRequests(_ topology: Topology, _ demands: [PortDemand]) -> [Request] {
        let endpointBARs = topology.rootEndpoints.flatMap { endpoint in
            endpoint.bars.filter { $0.kind == .io }.map { Request(bar: $0, owner: endpoint.id) }
        }
        return endpointBARs + demands.compactMap(\.io)
    }

    /// Top-down: a placed window's children are packed from its base in placement order, which
    /// keeps each naturally aligned because the window is aligned to its largest child.
    static func fillWindows(_ demands: [PortDemand], addresses: inout [ResourceOwner: UInt64]) {
        for demand in demands {
            for (window, children) in [(demand.io, demand.ioChildren), (demand.mem, demand.memChildren), (demand.pref, demand.prefChildren)] {
                guard let window, let base = addresses[window.owner] else { continue }
                var cursor = base
                for child in children {
                    cursor = alignUp(cursor, child.alignment)
                    addresses[child.owner] = cursor
                    cursor += child.size
                }
            }
        }
    }
}
