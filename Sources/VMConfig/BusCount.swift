/// How many bus numbers each part of the PCI tree takes. Written once, here: validation refuses
/// a tree whose count does not fit (TopologyRules) and the planner numbers buses the same way,
/// depth-first:
/// - a host bridge (PCI0 or a `[[host_bridge]]`) takes its root bus plus what its children take;
/// - a root port or downstream port takes its `reserve.bus` (1 when not given: its secondary bus)
///   or what its secondary bus and the children on it take, whichever is more;
/// - a switch takes its internal bus plus what its downstream ports take;
/// - a PCI bridge takes its bus plus what the bridges on it take.
/// Endpoints take no bus number.
public struct BusDemand: Sendable {
    private enum Node: Sendable {
        case rootPort(RootPort)
        case downstreamPort(DownstreamPort, switchID: String)
        case switchUpstream(Switch)
        case pciBridge(PCIBridge)
    }

    private let hostBridgeIDs: [String]
    /// The bridges on each bus, by the id of what provides the bus; nil = PCI0's bus 0.
    private let children: [String?: [Node]]
    private let ports: [String: Node]

    public init(rootPorts: [RootPort], switches: [Switch], pciBridges: [PCIBridge], hostBridges: [HostBridge]) {
        var children: [String?: [Node]] = [:]
        var ports: [String: Node] = [:]
        for port in rootPorts {
            children[port.bus, default: []].append(.rootPort(port))
            if ports[port.id] == nil { ports[port.id] = .rootPort(port) }
        }
        for item in switches {
            children[item.bus, default: []].append(.switchUpstream(item))
            for port in item.downstream where ports[port.id] == nil {
                ports[port.id] = .downstreamPort(port, switchID: item.id)
            }
        }
        for bridge in pciBridges {
            children[bridge.bus, default: []].append(.pciBridge(bridge))
            if ports[bridge.id] == nil { ports[bridge.id] = .pciBridge(bridge) }
        }
        self.children = children
        self.ports = ports
        self.hostBridgeIDs = hostBridges.map(\.id)
    }

    public init(_ config: MachineConfig) {
        self.init(rootPorts: config.rootPorts, switches: config.switches, pciBridges: config.pciBridges,
                  hostBridges: config.hostBridges)
    }

    /// Every bus number the tree takes: PCI0's and every host bridge's.
    public var total: Int {
        hostBridgeIDs.reduce(buses(hostBridge: nil)) { $0 + buses(hostBridge: $1) }
    }

    /// A host bridge's root bus and everything below it; nil = PCI0 (bus 0).
    public func buses(hostBridge id: String?) -> Int {
        var path: Set<String> = []
        return 1 + below(id, path: &path)
    }

    /// The buses a root port, downstream port or PCI bridge takes, its own secondary bus included
    /// (for a switch id: its internal bus and its ports'); 0 for an id that provides no bus.
    public func buses(below id: String) -> Int {
        var path: Set<String> = []
        if let node = ports[id] { return take(node, path: &path) }
        for case .switchUpstream(let item) in children.values.joined() where item.id == id {
            return take(.switchUpstream(item), path: &path)
        }
        return 0
    }

    /// What the children on bus `id` take. `path` holds the ids being counted, so that a loop
    /// (which validation refuses) counts once instead of forever.
    private func below(_ id: String?, path: inout Set<String>) -> Int {
        (children[id] ?? []).reduce(0) { $0 + take($1, path: &path) }
    }

    private func take(_ node: Node, path: inout Set<String>) -> Int {
        let id: String = switch node {
        case .rootPort(let port): port.id
        case .downstreamPort(let port, _): port.id
        case .switchUpstream(let item): item.id
        case .pciBridge(let bridge): bridge.id
        }
        guard path.insert(id).inserted else { return 0 }
        defer { path.remove(id) }
        switch node {
        case .rootPort(let port):
            return max(port.reserve.buses ?? 1, 1 + below(port.id, path: &path))
        case .downstreamPort(let port, _):
            return max(port.reserve.buses ?? 1, 1 + below(port.id, path: &path))
        case .switchUpstream(let item):
            return 1 + item.downstream.reduce(0) { $0 + take(.downstreamPort($1, switchID: item.id), path: &path) }
        case .pciBridge(let bridge):
            return 1 + below(bridge.id, path: &path)
        }
    }
}

extension MachineConfig {
    /// Every bus number the description needs (`BusDemand.total`); at most `ecam.buses`.
    public var busesNeeded: Int { BusDemand(self).total }
}
